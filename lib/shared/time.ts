/** Times as the page and the exports show them. Server timestamps only (ms since the epoch). */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** C1: `now`, `5m`, `3h`, `2d`, then a date (`Nov 3`, or `Nov 3 2025` in another year). */
export function relativeTime(timestamp: number, now: number): string {
  const age = Math.max(0, now - timestamp);
  if (age < MINUTE) return "now";
  if (age < HOUR) return `${Math.floor(age / MINUTE)}m`;
  if (age < DAY) return `${Math.floor(age / HOUR)}h`;
  if (age < 7 * DAY) return `${Math.floor(age / DAY)}d`;
  const date = new Date(timestamp);
  const sameYear = date.getFullYear() === new Date(now).getFullYear();
  const label = `${MONTHS[date.getMonth()]} ${date.getDate()}`;
  return sameYear ? label : `${label} ${date.getFullYear()}`;
}

/** How soon a relative label can change, so the list re-renders no more than needed. */
export function relativeTimeRefreshMs(timestamp: number, now: number): number {
  const age = Math.max(0, now - timestamp);
  if (age < HOUR) return MINUTE - (age % MINUTE);
  if (age < DAY) return HOUR - (age % HOUR);
  return DAY - (age % DAY);
}

/** `YYYY-MM-DD HH:MM:SS UTC` (verbose export). */
export function formatUtc(timestamp: number): string {
  return `${new Date(timestamp).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** `YYYY-MM-DD HH:MM:SS` in the reader's time zone (Copy ALL, message copy). */
export function formatLocal(timestamp: number): string {
  const d = new Date(timestamp);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** `YYYYMMDD-HHMMSSZ`, safe in file names on every system. */
export function fileTimestamp(timestamp: number): string {
  return `${new Date(timestamp).toISOString().slice(0, 19).replace(/[-:]/g, "").replace("T", "-")}Z`;
}
