import { archiveFigures, damagedSegmentLines } from "@/lib/monitor/archive";
import type { ArchiveStats } from "@/types";
import { Empty, Panel } from "./panel";

/** H1: what is hot in SQLite, what moved to R2, the last archive run, and damaged segments. */
export function Archive({ archive, now }: { archive: ArchiveStats | undefined; now: number }) {
  const corrupt = archive?.corruptSegments ?? [];
  return (
    <Panel title="History storage" tone={corrupt.length > 0 ? "alert" : "plain"}>
      {!archive ? (
        <Empty>Loading…</Empty>
      ) : (
        <>
          <dl className="grid grid-cols-1 gap-px bg-white/[0.06] sm:grid-cols-3">
            {archiveFigures(archive, now).map((f) => (
              <div key={f.key} className="bg-neutral-950 px-3 py-2">
                <dt className="text-[11px] text-muted">{f.label}</dt>
                <dd className="font-mono text-base text-neutral-100 tabular-nums">{f.value}</dd>
                <dd className="text-[11px] text-muted tabular-nums">{f.detail}</dd>
              </div>
            ))}
          </dl>
          {corrupt.length > 0 ? (
            <ul
              aria-label="Damaged archive segments"
              className="border-t border-white/[0.06] px-3 py-1.5 text-[11px] text-red-300"
            >
              {damagedSegmentLines(archive).map((line) => (
                <li key={line.key} className="break-all font-mono">
                  {line.text}
                </li>
              ))}
            </ul>
          ) : null}
        </>
      )}
    </Panel>
  );
}
