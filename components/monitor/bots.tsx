import { type BotRow, formatAgo, STALE_BOT_MS } from "@/lib/monitor/monitor";
import { Empty, Panel, Rows } from "./panel";

/** O1: every bot that has polled this room, with its last poll; silent for a minute means stale. */
export function Bots({ rows, locked, now }: { rows: BotRow[] | undefined; locked?: string; now: number }) {
  const live = rows?.filter((b) => !b.stale).length ?? 0;
  return (
    <Panel
      title="Bots"
      count={rows?.length}
      aside={rows?.length ? `${live} polling · stale after ${STALE_BOT_MS / 1000} s` : undefined}
    >
      {!rows ? (
        <Empty>{locked ?? "Loading…"}</Empty>
      ) : rows.length === 0 ? (
        <Empty>No bot has polled this room yet.</Empty>
      ) : (
        <Rows label="Bots">
          {rows.map((b) => (
            <li
              key={b.workerId}
              data-stale={b.stale || undefined}
              className="flex min-w-0 items-center gap-2 px-3 py-1.5 text-xs"
            >
              <span
                className={`size-1.5 shrink-0 rounded-full ${b.stale ? "bg-neutral-500" : "bg-emerald-400"}`}
                aria-hidden="true"
              />
              <span
                className={`min-w-0 truncate font-mono ${b.stale ? "text-muted" : "text-neutral-100"}`}
                title={b.workerId}
              >
                {b.workerId}
              </span>
              {b.holding > 0 ? (
                <span className="shrink-0 rounded-full bg-sky-300/10 px-1.5 text-[11px] text-sky-100">
                  {b.holding} {b.holding === 1 ? "lease" : "leases"}
                </span>
              ) : null}
              {b.stale ? (
                <span className="shrink-0 rounded-full border border-white/10 px-1.5 text-[11px] text-muted">
                  stale
                </span>
              ) : null}
              <span className="ml-auto shrink-0 text-[11px] whitespace-nowrap text-muted tabular-nums">
                last poll {formatAgo(b.lastPolledAt, now)}
              </span>
            </li>
          ))}
        </Rows>
      )}
    </Panel>
  );
}
