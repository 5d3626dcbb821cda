"use client";

import type { MonitorActions } from "@/hooks/use-monitor";
import type { Stats } from "@/types";
import { Empty, EntityTag, MessageId, Panel, Rows, requeueButtonClass } from "./panel";

/** O1/O3: the latest failed messages with the reason each failed, and a Requeue for each. */
export function Failures({
  rows,
  locked,
  colors,
  actions,
}: {
  rows: Stats["recentFailures"] | undefined;
  /** Why there are no rows (admin-only detail), instead of "Loading…". */
  locked?: string;
  colors: ReadonlyMap<string, string>;
  actions: MonitorActions;
}) {
  return (
    <Panel title="Recent failures" count={rows?.length} tone="alert" aside="latest 20">
      {!rows ? (
        <Empty>{locked ?? "Loading…"}</Empty>
      ) : rows.length === 0 ? (
        <Empty>No failed messages. Good.</Empty>
      ) : (
        <Rows label="Recent failures">
          {rows.map((f) => {
            const busy = actions.busy.has(f.messageId);
            return (
              <li key={f.messageId} className="px-3 py-2">
                <div className="flex min-w-0 items-center gap-2">
                  <EntityTag id={f.entity} color={colors.get(f.entity)} />
                  <MessageId id={f.messageId} />
                  {f.attempts > 0 ? (
                    <span className="shrink-0 text-[11px] whitespace-nowrap text-muted">
                      {f.attempts} {f.attempts === 1 ? "attempt" : "attempts"}
                    </span>
                  ) : null}
                  <button
                    type="button"
                    disabled={busy}
                    onClick={() => void actions.run("requeue", f.messageId)}
                    aria-label={`Requeue ${f.messageId}`}
                    title="Put it back in the queue with a fresh attempt count"
                    className={`ml-auto ${requeueButtonClass}`}
                  >
                    {busy ? "Requeuing…" : "Requeue"}
                  </button>
                </div>
                <p className="mt-1 text-xs break-words text-red-200/90">
                  <span className="sr-only">Reason: </span>
                  {f.error || <span className="text-muted italic">no reason recorded</span>}
                </p>
              </li>
            );
          })}
        </Rows>
      )}
    </Panel>
  );
}
