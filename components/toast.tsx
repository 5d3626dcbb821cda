"use client";

/** Shows what `useToast` (hooks/use-toast.ts) holds, announced politely to screen readers. */
export function Toast({ text }: { text: string | null }) {
  return (
    <div
      role="status"
      aria-live="polite"
      className="pointer-events-none absolute top-14 left-1/2 z-40 -translate-x-1/2 font-sans"
    >
      {text ? (
        <span className="block rounded-full border border-(--tint-line) bg-neutral-950/95 px-3.5 py-1.5 text-xs text-neutral-100 shadow-xl shadow-black">
          {text}
        </span>
      ) : null}
    </div>
  );
}
