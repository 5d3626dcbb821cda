import { type ReactNode, useId } from "react";
import { textColor } from "@/lib/shared/colors";

/** One titled block of the monitor: a heading, an optional count and aside, then its content. */
export function Panel({
  title,
  count,
  aside,
  tone = "plain",
  children,
}: {
  title: string;
  count?: number;
  aside?: ReactNode;
  tone?: "plain" | "alert";
  children: ReactNode;
}) {
  const id = useId();
  return (
    <section
      aria-labelledby={id}
      className={`min-w-0 rounded-lg border bg-neutral-950/60 ${tone === "alert" ? "border-red-400/30" : "border-white/10"}`}
    >
      <header className="flex min-h-9 flex-wrap items-center gap-x-2 gap-y-0.5 border-b border-white/[0.07] px-3 py-1.5">
        <h2 id={id} className="text-[13px] font-semibold tracking-tight text-neutral-100">
          {title}
        </h2>
        {count !== undefined ? (
          <span
            className={`rounded-full px-1.5 font-mono text-[11px] tabular-nums ${
              tone === "alert" && count > 0 ? "bg-red-400/15 text-red-200" : "bg-white/[0.06] text-muted"
            }`}
          >
            {count}
          </span>
        ) : null}
        {aside ? <div className="ml-auto text-[11px] text-muted">{aside}</div> : null}
      </header>
      {children}
    </section>
  );
}

/** What an empty list says instead of nothing. */
export function Empty({ children }: { children: ReactNode }) {
  return <p className="px-3 py-3 text-xs text-muted">{children}</p>;
}

/** The rows of a list panel. */
export function Rows({ label, children }: { label: string; children: ReactNode }) {
  return (
    <ul aria-label={label} className="divide-y divide-white/[0.06]">
      {children}
    </ul>
  );
}

/** An entity's id, in the color its replies use when its bot told the room. */
export function EntityTag({ id, color }: { id: string; color?: string }) {
  return (
    <span className="inline-flex max-w-40 shrink-0 items-center gap-1 rounded bg-white/[0.06] px-1.5 py-px font-mono text-[11px] text-neutral-200">
      <span
        className="size-1.5 shrink-0 rounded-full"
        style={{ background: color ? textColor(color) : "rgb(163 163 163)" }}
        aria-hidden="true"
      />
      <span className="truncate">{id || "—"}</span>
    </span>
  );
}

/** A message id: monospace, cut short when long, whole on hover. */
export function MessageId({ id }: { id: string }) {
  return (
    <span title={id} className="min-w-0 truncate font-mono text-xs text-neutral-300">
      {id}
    </span>
  );
}

/** The monitor's small text inputs and selects (forms inside panels). */
export const inputClass =
  "h-7 min-w-0 rounded-md border border-white/15 bg-black/50 px-2 text-xs text-neutral-100 outline-none placeholder:text-neutral-500 focus:border-sky-300/70";

export const actionButtonClass =
  "h-6 shrink-0 rounded border px-2 text-[11px] font-medium transition-colors disabled:cursor-wait disabled:opacity-50 focus-visible:outline-2";

export const requeueButtonClass = `${actionButtonClass} border-sky-300/40 text-sky-100 hover:bg-sky-300/15 focus-visible:outline-sky-300`;

export const failButtonClass = `${actionButtonClass} border-red-400/40 text-red-200 hover:bg-red-400/15 focus-visible:outline-red-300`;
