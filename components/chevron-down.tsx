/** The small "opens a menu" chevron used on menu triggers. */
export function ChevronDown({ className, strokeWidth = 1.6 }: { className: string; strokeWidth?: number }) {
  return (
    <svg
      viewBox="0 0 16 16"
      className={className}
      aria-hidden="true"
      fill="none"
      stroke="currentColor"
      strokeWidth={strokeWidth}
    >
      <path d="M4 6l4 4 4-4" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
