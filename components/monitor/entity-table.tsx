import { ageNow, type EntityRow, formatCount, formatDuration, needsAttention } from "@/lib/monitor/monitor";
import { textColor } from "@/lib/shared/colors";
import { Empty, Panel } from "./panel";

const COLUMNS = [
  { key: "pending", label: "Pending", short: "Pend.", hot: "text-amber-100" },
  { key: "processing", label: "Processing", short: "Proc.", hot: "text-sky-100" },
  { key: "failed", label: "Failed", short: "Fail.", hot: "text-red-200" },
  { key: "complete", label: "Complete", short: "Done", hot: "text-neutral-100" },
] as const;

/** Full header words for wide screens and screen readers, short ones on a phone. */
function Label({ label, short }: { label: string; short: string }) {
  return (
    <>
      <span aria-hidden="true" className="sm:hidden">
        {short}
      </span>
      <span className="max-sm:sr-only">{label}</span>
    </>
  );
}

/** O1: pending / processing / failed / complete per entity, with whether a bot serves it. */
export function EntityTable({
  rows,
  fetchedAt,
  now,
}: {
  rows: EntityRow[] | undefined;
  fetchedAt: number;
  now: number;
}) {
  const served = rows?.filter((r) => r.served).length ?? 0;
  return (
    <Panel
      title="Entities"
      count={rows?.length}
      aside={rows?.length ? `${served} of ${rows.length} served by a bot` : undefined}
    >
      {!rows ? (
        <Empty>Loading…</Empty>
      ) : rows.length === 0 ? (
        <Empty>No addressed messages in this room, and no bot has polled it.</Empty>
      ) : (
        <div className="scroll-area overflow-x-auto">
          <table aria-label="Queue by entity" className="w-full text-xs tabular-nums">
            <thead>
              <tr className="text-[11px] text-muted">
                <th scope="col" className="py-1.5 pr-2 pl-3 text-left font-normal">
                  Entity
                </th>
                {COLUMNS.map((c) => (
                  <th key={c.key} scope="col" className="px-1.5 py-1.5 text-right font-normal sm:px-2">
                    <Label label={c.label} short={c.short} />
                  </th>
                ))}
                <th scope="col" className="py-1.5 pr-3 pl-1.5 text-right font-normal whitespace-nowrap sm:pl-2">
                  <Label label="Oldest pending" short="Oldest" />
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-white/[0.06] border-t border-white/[0.06]">
              {rows.map((row) => {
                const age = ageNow(row.oldestPendingAgeMs, fetchedAt, now);
                return (
                  <tr key={row.id} className={needsAttention(row) ? "bg-red-500/[0.05]" : undefined}>
                    <th scope="row" className="py-1.5 pr-2 pl-3 text-left font-normal">
                      <span className="flex min-w-0 items-center gap-1.5">
                        <span
                          className={`size-1.5 shrink-0 rounded-full ${row.served ? "bg-emerald-400" : "bg-neutral-600"}`}
                          aria-hidden="true"
                        />
                        <span className="max-w-28 truncate font-mono sm:max-w-40 text-neutral-100" title={row.id}>
                          {row.id}
                        </span>
                        {row.username && row.color ? (
                          <span className="hidden truncate sm:inline" style={{ color: textColor(row.color) }}>
                            {row.username}
                          </span>
                        ) : null}
                        <span className="sr-only">{row.served ? "(served)" : "(not served)"}</span>
                      </span>
                    </th>
                    {COLUMNS.map((c) => (
                      <td
                        key={c.key}
                        className={`px-1.5 py-1.5 text-right font-mono sm:px-2 ${row[c.key] > 0 ? c.hot : "text-muted"}`}
                      >
                        {formatCount(row[c.key])}
                      </td>
                    ))}
                    <td
                      className={`py-1.5 pr-3 pl-1.5 text-right font-mono whitespace-nowrap sm:pl-2 ${
                        age === null ? "text-muted" : age >= 60_000 ? "text-amber-100" : "text-neutral-200"
                      }`}
                    >
                      {age === null ? "—" : formatDuration(age)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
