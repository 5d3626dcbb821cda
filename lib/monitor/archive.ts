import type { ArchiveStats } from "../../types";
import { formatAgo, formatCount } from "./monitor";

/** One figure of the monitor's archive panel. */
export interface ArchiveFigure {
  key: string;
  label: string;
  value: string;
  detail: string;
}

/** `812 B`, `4.2 KB`, `355 MB`, `1.3 GB` (decimal units, as Cloudflare's storage limits are). */
export function formatBytes(n: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = Math.max(0, n);
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/** Hot rows and bytes in SQLite, archived segments and bytes in R2, and how the last run went. */
export function archiveFigures(archive: ArchiveStats, now: number): ArchiveFigure[] {
  const run = archive.lastRun;
  return [
    {
      key: "hot",
      label: "Hot (SQLite)",
      value: formatCount(archive.hotRows),
      detail: `messages · ${formatBytes(archive.hotBytes)}`,
    },
    {
      key: "archived",
      label: "Archived (R2)",
      value: formatCount(archive.archivedMessages),
      detail: `messages in ${formatCount(archive.segments)} segments · ${formatBytes(archive.archivedBytes)}`,
    },
    {
      key: "run",
      label: "Last archive run",
      value: run ? formatAgo(run.at, now) : "never",
      detail: !run
        ? "nothing over the hot window yet"
        : run.error
          ? `failed: ${run.error}`
          : `${formatCount(run.segments)} segments, ${formatCount(run.messages)} messages`,
    },
  ];
}

/**
 * One line per damaged segment for the archive panel: which seqs are unreadable, how many
 * messages that is, why, and the R2 object to look at, e.g.
 * `seqs 101–200: 100 messages unreadable (corrupt) · rooms/global/…json.gz: does not decode (…)`.
 */
export function damagedSegmentLines(archive: ArchiveStats): { key: string; text: string }[] {
  return archive.corruptSegments.map((c) => {
    const seqs = c.fromSeq === c.toSeq ? `seq ${c.fromSeq}` : `seqs ${c.fromSeq}–${c.toSeq}`;
    const what = c.reason === "missing" ? "missing from R2" : "corrupt";
    const count = `${formatCount(c.messages)} ${c.messages === 1 ? "message" : "messages"}`;
    return { key: c.key, text: `${seqs}: ${count} unreadable (${what}) · ${c.key}: ${c.error}` };
  });
}
