"use client";

import type { Notice } from "@/hooks/use-monitor";

/**
 * O3: what the last action did, pinned to the bottom of the screen so it is seen wherever the
 * button was. Errors are alerts (announced at once) and stay until dismissed; confirmations fade.
 */
export function NoticeBar({ notice, onDismiss }: { notice: Notice | null; onDismiss: () => void }) {
  return (
    <div className="pointer-events-none fixed inset-x-0 bottom-0 z-40 flex flex-col items-center px-3 pb-[max(0.75rem,env(safe-area-inset-bottom))]">
      <div role="alert">
        {notice?.kind === "error" ? <Bar key={notice.serial} notice={notice} onDismiss={onDismiss} /> : null}
      </div>
      <div role="status">
        {notice?.kind === "done" ? <Bar key={notice.serial} notice={notice} onDismiss={onDismiss} /> : null}
      </div>
    </div>
  );
}

function Bar({ notice, onDismiss }: { notice: Notice; onDismiss: () => void }) {
  const error = notice.kind === "error";
  return (
    <p
      className={`pointer-events-auto flex max-w-xl items-start gap-3 rounded-lg border px-3.5 py-2 text-xs shadow-2xl shadow-black backdrop-blur animate-menu-in ${
        error
          ? "border-red-400/40 bg-red-950/90 text-red-100"
          : "border-emerald-400/30 bg-neutral-950/95 text-neutral-100"
      }`}
    >
      <span className="min-w-0 flex-1 break-words">{notice.text}</span>
      <button
        type="button"
        onClick={onDismiss}
        aria-label="Dismiss"
        className="-my-0.5 shrink-0 rounded px-1 text-base leading-none opacity-70 hover:opacity-100 focus-visible:outline-2 focus-visible:outline-current"
      >
        ×
      </button>
    </p>
  );
}
