import { formatCount, formatDuration, oldestPendingEntity } from "@/lib/monitor/monitor";
import type { PublicStats } from "@/types";

interface Tile {
  label: string;
  value: string;
  detail?: string;
  dot: string;
  /** The number deserves a look (failures, work waiting long). */
  hot?: string;
}

/** O1 at a glance: the queue by status, the oldest waiting message, and the room's size. */
export function Summary({
  stats,
  oldestPendingMs,
}: {
  stats: PublicStats | undefined;
  oldestPendingMs: number | null;
}) {
  const q = stats?.queue;
  const dash = "—";
  const oldestEntity = stats ? oldestPendingEntity(stats) : null;
  const tiles: Tile[] = [
    {
      label: "Pending",
      value: q ? formatCount(q.pending) : dash,
      dot: "bg-amber-300",
      hot: q && q.pending > 0 ? "text-amber-100" : undefined,
    },
    { label: "Processing", value: q ? formatCount(q.processing) : dash, dot: "bg-sky-300" },
    {
      label: "Failed",
      value: q ? formatCount(q.failed) : dash,
      dot: "bg-red-400",
      hot: q && q.failed > 0 ? "text-red-200" : undefined,
    },
    {
      label: "Complete",
      value: q ? formatCount(q.complete) : dash,
      dot: "bg-emerald-400",
      // Settled by an old bot's `PATCH processed: true`: answered, but with no linked reply.
      detail: q?.answeredByLegacy ? `${formatCount(q.answeredByLegacy)} by the legacy flow` : undefined,
    },
    {
      label: "Oldest pending",
      value: oldestPendingMs === null ? (q ? "none" : dash) : formatDuration(oldestPendingMs),
      dot: "bg-amber-300/60",
      detail: oldestEntity ? `for ${oldestEntity}` : undefined,
      hot: oldestPendingMs !== null && oldestPendingMs >= 60_000 ? "text-amber-100" : undefined,
    },
    {
      label: "Messages",
      value: stats ? formatCount(stats.messages.total) : dash,
      detail: stats ? `${formatCount(stats.messages.human)} human · ${formatCount(stats.messages.AI)} AI` : undefined,
      dot: "bg-neutral-400",
    },
  ];
  return (
    <section aria-label="Queue totals">
      <dl className="grid grid-cols-2 gap-2 min-[480px]:grid-cols-3 lg:grid-cols-6">
        {tiles.map((t) => (
          <div key={t.label} className="min-w-0 rounded-lg border border-white/10 bg-neutral-950/60 px-3 py-2">
            <dt className="flex items-center gap-1.5 text-[11px] uppercase tracking-wider text-muted">
              <span className={`size-1.5 shrink-0 rounded-full ${t.dot}`} aria-hidden="true" />
              {t.label}
            </dt>
            <dd
              className={`mt-0.5 truncate font-mono text-xl font-medium tabular-nums ${t.hot ?? (t.value === "0" || t.value === "none" ? "text-muted" : "text-neutral-100")}`}
            >
              {t.value}
            </dd>
            {t.detail ? <dd className="truncate text-[11px] text-muted">{t.detail}</dd> : null}
          </div>
        ))}
      </dl>
    </section>
  );
}
