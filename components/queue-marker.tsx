import type { ChatMessage } from "@/hooks/use-messages";
import { jobViews } from "@/lib/chat/jobs";
import { lineState } from "@/lib/chat/line-state";
import { useLineView } from "../hooks/use-line-view.ts";
import { JobMarkers } from "./job-markers";

export type MarkerState = "sending" | "retrying" | "not-sent" | "waiting" | "answering" | "failed" | "answered";

export function markerState(m: ChatMessage): MarkerState | null {
  if (m.send) return m.send.state === "failed" ? "not-sent" : m.send.state;
  switch (m.botParams?.status) {
    case "pending":
      return "waiting";
    case "processing":
      return "answering";
    case "failed":
      return "failed";
    case "complete":
      return "answered";
    default:
      return null;
  }
}

/**
 * C4/E3: what happened to a message I sent — sending, retrying by itself (network or server
 * trouble), not sent (Retry with the same id), waiting
 * for the entity, being answered (typing dots), failed with the reason (Retry sends it again).
 */
export function QueueMarker({ message, onRetry }: { message: ChatMessage; onRetry: (m: ChatMessage) => void }) {
  const view = useLineView();
  // E7: a stored message that asked several entities shows each one's state instead of one.
  const jobs = message.send ? null : jobViews(message);
  if (jobs) return <JobMarkers jobs={jobs} />;
  const state = markerState(message);
  if (!state) return null;
  // Its place in line while it waits, then thinking / writing once claimed (pushed to every viewer).
  const line = view.live ? lineState(message, view.lines, view.drafts.get(message.id)) : null;
  const entity = message.botParams?.entity;
  const retry = (
    <button
      type="button"
      onClick={() => onRetry(message)}
      className="ml-2 rounded border border-red-400/50 px-1.5 text-red-200 hover:bg-red-400/15 focus-visible:outline-2 focus-visible:outline-red-300"
    >
      Retry
    </button>
  );
  const base = "mt-0.5 flex w-fit items-center gap-1.5 rounded px-1.5 py-px font-sans text-[11px] leading-4";
  switch (state) {
    case "sending":
      return (
        <span data-queue-state={state} className={`${base} text-muted`}>
          <span className="size-1.5 animate-pulse rounded-full bg-current" aria-hidden="true" />
          sending…
        </span>
      );
    case "retrying":
      // Not the person's problem yet: the page keeps trying with the same id (no duplicate).
      return (
        <span
          data-queue-state={state}
          className={`${base} bg-amber-400/10 text-amber-200`}
          title={message.send?.error ? `Last attempt: ${message.send.error}` : undefined}
        >
          <span className="size-1.5 animate-pulse rounded-full bg-current" aria-hidden="true" />
          retrying…
        </span>
      );
    case "not-sent":
      return (
        <span data-queue-state={state} className={`${base} bg-red-950/60 text-red-200`}>
          not sent{message.send?.error ? `: ${message.send.error}` : ""}
          {retry}
        </span>
      );
    case "waiting":
      return (
        <span data-queue-state={state} className={`${base} bg-white/5 text-muted`}>
          <span className="size-1.5 rounded-full border border-current" aria-hidden="true" />
          waiting for {entity}
          {line?.kind === "waiting" && line.ahead !== null ? (
            <span data-line-ahead={line.ahead}>· {line.ahead === 0 ? "next" : `${line.ahead} ahead`}</span>
          ) : null}
        </span>
      );
    case "answering":
      return (
        <span data-queue-state={state} className={`${base} bg-white/5 text-muted`}>
          <span className="typing-dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          <span data-line-phase={line?.kind ?? "answering"}>
            {entity} is {line?.kind === "writing" ? "writing" : line?.kind === "thinking" ? "thinking" : "answering"}
          </span>
        </span>
      );
    case "failed":
      return (
        <span data-queue-state={state} className={`${base} bg-red-950/60 text-red-200`}>
          {entity} failed{message.botParams?.error ? `: ${message.botParams.error}` : ""}
          {retry}
        </span>
      );
    case "answered":
      return (
        <span data-queue-state={state} className="sr-only">
          answered by {entity}
        </span>
      );
  }
}
