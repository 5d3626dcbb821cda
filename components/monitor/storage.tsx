import { formatCount, formatDuration, formatRate, type StorageRow } from "@/lib/monitor/monitor";
import { Empty, Panel } from "./panel";

/** O1: storage operations per minute (the last full minute), with totals since the room object started. */
export function Storage({
  rows,
  since,
  measuring,
  now,
}: {
  rows: StorageRow[] | undefined;
  since: number | undefined;
  measuring: boolean;
  now: number;
}) {
  return (
    <Panel
      title="Storage per minute"
      aside={since !== undefined ? `totals since the room started ${formatDuration(now - since)} ago` : undefined}
    >
      {!rows ? (
        <Empty>Loading…</Empty>
      ) : (
        <>
          <dl className="grid grid-cols-2 gap-px bg-white/[0.06] sm:grid-cols-4">
            {rows.map((r) => (
              <div key={r.key} className="bg-neutral-950 px-3 py-2">
                <dt className="text-[11px] text-muted">{r.label}</dt>
                <dd className="font-mono text-base text-neutral-100 tabular-nums">
                  {measuring ? <span className="text-muted">—</span> : formatRate(r.perMinute)}
                  <span className="ml-1 font-sans text-[11px] text-muted">/min</span>
                </dd>
                <dd className="text-[11px] text-muted tabular-nums">{formatCount(r.total)} total</dd>
              </div>
            ))}
          </dl>
          {measuring ? (
            <p className="border-t border-white/[0.06] px-3 py-1.5 text-[11px] text-muted">
              Rates are measured over whole minutes; the first one is still running.
            </p>
          ) : null}
        </>
      )}
    </Panel>
  );
}
