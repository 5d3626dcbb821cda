"use client";

import { useState } from "react";
import type { MonitorActions } from "@/hooks/use-monitor";
import { formatDuration, type PendingRow } from "@/lib/monitor/monitor";
import { Empty, EntityTag, failButtonClass, MessageId, Panel, Rows } from "./panel";
import { ReasonForm } from "./reason-form";

/** O3: waiting messages (listed with the admin token), in the order bots take them; fail one by hand. */
export function Waiting({
  rows,
  problem,
  total,
  colors,
  actions,
}: {
  rows: PendingRow[] | undefined;
  /** Why the list cannot be shown (no token, refused token). */
  problem: string | null;
  total: number | undefined;
  colors: ReadonlyMap<string, string>;
  actions: MonitorActions;
}) {
  const [failing, setFailing] = useState<string | null>(null);
  return (
    <Panel
      title="Waiting"
      count={total}
      aside={rows && total !== undefined && total > rows.length ? `first ${rows.length}` : "next in line first"}
    >
      {problem ? (
        <Empty>{problem}</Empty>
      ) : !rows ? (
        <Empty>Loading…</Empty>
      ) : rows.length === 0 ? (
        <Empty>Nothing is waiting.</Empty>
      ) : (
        <Rows label="Waiting messages">
          {rows.map((m) => {
            const busy = actions.busy.has(m.id);
            return (
              <li key={m.id} className="px-3 py-2">
                <div className="flex min-w-0 items-center gap-2">
                  <EntityTag id={m.entity} color={colors.get(m.entity)} />
                  <MessageId id={m.id} />
                  <span className="shrink-0 text-[11px] whitespace-nowrap text-muted tabular-nums">
                    {formatDuration(m.age)} · p{m.priority}
                  </span>
                  <button
                    type="button"
                    disabled={busy}
                    aria-expanded={failing === m.id}
                    onClick={() => setFailing((f) => (f === m.id ? null : m.id))}
                    aria-label={`Fail ${m.id}`}
                    className={`ml-auto ${failButtonClass}`}
                  >
                    Fail…
                  </button>
                </div>
                <p className="mt-1 truncate text-xs text-neutral-400" title={m.text}>
                  <span className="text-neutral-300">{m.username}:</span> {m.text}
                </p>
                {failing === m.id ? (
                  <ReasonForm
                    action="Fail"
                    messageId={m.id}
                    busy={busy}
                    onCancel={() => setFailing(null)}
                    onSubmit={async (reason) => {
                      if (await actions.run("fail", m.id, reason)) setFailing(null);
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
