"use client";

import { useState } from "react";
import type { MonitorActions } from "@/hooks/use-monitor";
import { formatExpiry, type LeaseRow } from "@/lib/monitor/monitor";
import { Empty, EntityTag, failButtonClass, MessageId, Panel, Rows, requeueButtonClass } from "./panel";
import { ReasonForm } from "./reason-form";

/** O1/O3: messages being answered right now, who holds each lease and until when; requeue or fail one stuck. */
export function Leases({
  rows,
  locked,
  now,
  colors,
  actions,
}: {
  rows: LeaseRow[] | undefined;
  /** Why there are no rows (admin-only detail), instead of "Loading…". */
  locked?: string;
  now: number;
  colors: ReadonlyMap<string, string>;
  actions: MonitorActions;
}) {
  const [failing, setFailing] = useState<string | null>(null);
  return (
    <Panel title="Leases" count={rows?.length} aside="being answered now">
      {!rows ? (
        <Empty>{locked ?? "Loading…"}</Empty>
      ) : rows.length === 0 ? (
        <Empty>No message is being answered right now.</Empty>
      ) : (
        <Rows label="Leases">
          {rows.map((l) => {
            const busy = actions.busy.has(l.messageId);
            return (
              <li key={l.messageId} className="px-3 py-2">
                <div className="flex min-w-0 items-center gap-2">
                  <EntityTag id={l.entity} color={colors.get(l.entity)} />
                  <MessageId id={l.messageId} />
                  <div className="ml-auto flex shrink-0 gap-1.5">
                    <button
                      type="button"
                      disabled={busy}
                      onClick={() => void actions.run("requeue", l.messageId)}
                      aria-label={`Requeue ${l.messageId}`}
                      title="Take it back from the worker and put it back in the queue"
                      className={requeueButtonClass}
                    >
                      Requeue
                    </button>
                    <button
                      type="button"
                      disabled={busy}
                      aria-expanded={failing === l.messageId}
                      onClick={() => setFailing((f) => (f === l.messageId ? null : l.messageId))}
                      aria-label={`Fail ${l.messageId}`}
                      className={failButtonClass}
                    >
                      Fail…
                    </button>
                  </div>
                </div>
                <p className="mt-1 flex flex-wrap gap-x-3 text-[11px] text-muted">
                  <span>
                    held by <span className="font-mono text-neutral-200">{l.claimedBy}</span>
                  </span>
                  <span className={l.expired ? "text-amber-200" : undefined}>
                    {l.expired ? "lease " : "expires "}
                    {formatExpiry(l.expiresAt, now)}
                  </span>
                  <span>attempt {l.attempts + 1}</span>
                </p>
                {failing === l.messageId ? (
                  <ReasonForm
                    action="Fail"
                    messageId={l.messageId}
                    busy={busy}
                    onCancel={() => setFailing(null)}
                    onSubmit={async (reason) => {
                      if (await actions.run("fail", l.messageId, reason)) setFailing(null);
                    }}
                  />
                ) : null}
              </li>
            );
          })}
        </Rows>
      )}
    </Panel>
  );
}
