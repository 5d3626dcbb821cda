import {
  ALL_ENTITIES,
  adminResultSchema,
  anyStatsSchema,
  type BotTokenInfo,
  botTokenListSchema,
  createdBotTokenSchema,
  DEFAULT_ROOM,
  type EntityScope,
  type EntitySeen,
  entitiesResponseSchema,
  entityScopeSchema,
  isEntityId,
  LIMITS,
  type Message,
  type PublicStats,
  pendingResponseSchema,
  revokedBotTokenSchema,
  roomSchema,
  SCENES,
  type SceneSettings,
  type Stats,
  sceneSettingsSchema,
} from "../../types";
import { AuthorizedApi } from "../client/authorized";
import { ApiError } from "../client/core";
import { SERVED_WITHIN_MS } from "../shared/presence";

/** O1/O3: the queue monitor's numbers, labels and calls. Pure except MonitorApi (injectable fetch). */

export const MONITOR_REFRESH_MS = 2_000;
/** A bot that has not polled for this long is shown as stale (the same rule as "served", C9). */
export const STALE_BOT_MS = SERVED_WITHIN_MS;
export { DEFAULT_ROOM };

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// ── labels ────────────────────────────────────────────────────────────────────────────────

/** A length of time, coarse and readable: `0 s`, `12 s`, `4 m`, `1 h 5 m`, `2 d 3 h`. */
export function formatDuration(ms: number): string {
  const t = Math.max(0, Number.isFinite(ms) ? ms : 0);
  if (t < MINUTE) return `${Math.floor(t / SECOND)} s`;
  if (t < HOUR) return `${Math.floor(t / MINUTE)} m`;
  if (t < DAY) {
    const minutes = Math.floor((t % HOUR) / MINUTE);
    return `${Math.floor(t / HOUR)} h${minutes ? ` ${minutes} m` : ""}`;
  }
  const hours = Math.floor((t % DAY) / HOUR);
  return `${Math.floor(t / DAY)} d${hours ? ` ${hours} h` : ""}`;
}

/** `3 s ago`, `4 m ago`; `just now` under a second (and for a server clock slightly ahead). */
export function formatAgo(timestamp: number, now: number): string {
  const age = now - timestamp;
  return age < SECOND ? "just now" : `${formatDuration(age)} ago`;
}

/** A lease's time to expiry: `in 42 s`, or `expired 3 s ago` once past (the alarm will reclaim it). */
export function formatExpiry(expiresAt: number, now: number): string {
  const left = expiresAt - now;
  return left >= 0 ? `in ${formatDuration(left)}` : `expired ${formatDuration(-left)} ago`;
}

const grouped = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

/** Counts with thousands separators: `1,234`. */
export function formatCount(n: number): string {
  return grouped.format(n);
}

/** A per-minute rate: one decimal below 10 (`2.5`, `0.3`), whole numbers above (`1,234`). */
export function formatRate(n: number): string {
  if (!Number.isFinite(n) || n <= 0) return "0";
  return n < 10 ? oneDecimal.format(n) : grouped.format(n);
}

/** An age measured by the server at `fetchedAt`, as it stands `now` (ticks between refreshes). */
export function ageNow(ageAtFetch: number | null, fetchedAt: number, now: number): number | null {
  return ageAtFetch === null ? null : ageAtFetch + Math.max(0, now - fetchedAt);
}

// ── the room ──────────────────────────────────────────────────────────────────────────────

/** The room to watch: `?room=`, else `#room=`, else global. Invalid names fall back, never crash. */
export function roomFromLocation(search: string, hash: string): string {
  for (const raw of [
    new URLSearchParams(search).get("room"),
    new URLSearchParams(hash.replace(/^#/, "")).get("room"),
  ]) {
    if (raw && roomSchema.safeParse(raw).success) return raw;
  }
  return DEFAULT_ROOM;
}

/** What is wrong with a typed room name, or null when it can be watched. */
export function roomProblem(raw: string): string | null {
  const result = roomSchema.safeParse(raw.trim());
  return result.success ? null : (result.error.issues[0]?.message ?? "invalid room");
}

/** The monitor's own URL for a room (the token is never part of it). */
export function monitorPath(room: string): string {
  return room === DEFAULT_ROOM ? "/monitor" : `/monitor?room=${encodeURIComponent(room)}`;
}

export function chatPath(room: string): string {
  return room === DEFAULT_ROOM ? "/" : `/?room=${encodeURIComponent(room)}`;
}

// ── aggregation ───────────────────────────────────────────────────────────────────────────

export interface QueueCounts {
  pending: number;
  processing: number;
  failed: number;
  complete: number;
}

export interface EntityRow extends QueueCounts {
  id: string;
  /** Age of its oldest pending message at fetch time. */
  oldestPendingAgeMs: number | null;
  /** A bot asked for this entity's work within the last minute. */
  served: boolean;
  lastPolledAt: number | null;
  username?: string;
  color?: string;
}

/**
 * One row per entity: every entity with queue history, plus every entity a bot polls for (with
 * zero counts), so an entity nobody serves and one with no traffic are both visible. Sorted by
 * id so rows keep their place across refreshes.
 */
export function entityRows(stats: PublicStats, seen: readonly EntitySeen[], now: number): EntityRow[] {
  const rows = new Map<string, EntityRow>();
  for (const [id, c] of Object.entries(stats.queue.byEntity)) {
    rows.set(id, {
      id,
      pending: c.pending,
      processing: c.processing,
      failed: c.failed,
      complete: c.complete,
      oldestPendingAgeMs: c.oldestPendingAgeMs,
      served: false,
      lastPolledAt: null,
    });
  }
  for (const e of seen) {
    const row = rows.get(e.id) ?? {
      id: e.id,
      pending: 0,
      processing: 0,
      failed: 0,
      complete: 0,
      oldestPendingAgeMs: null,
      served: false,
      lastPolledAt: null,
    };
    row.lastPolledAt = e.lastPolledAt;
    row.served = now - e.lastPolledAt <= SERVED_WITHIN_MS;
    if (e.username && e.color) {
      row.username = e.username;
      row.color = e.color;
    }
    rows.set(e.id, row);
  }
  return [...rows.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** The entity whose oldest pending message has waited longest, or null when nothing waits. */
export function oldestPendingEntity(stats: PublicStats): string | null {
  let best: { id: string; age: number } | null = null;
  for (const [id, c] of Object.entries(stats.queue.byEntity)) {
    if (c.oldestPendingAgeMs !== null && (!best || c.oldestPendingAgeMs > best.age))
      best = { id, age: c.oldestPendingAgeMs };
  }
  return best?.id ?? null;
}

/** Something needs an operator's eye: work waiting with nobody serving it, or failures. */
export function needsAttention(row: EntityRow): boolean {
  return row.failed > 0 || (row.pending > 0 && !row.served);
}

export interface BotRow {
  workerId: string;
  lastPolledAt: number;
  stale: boolean;
  /** Leases this worker holds right now. */
  holding: number;
}

/** Bots, most recently seen first; stale after a minute without a poll. */
export function botRows(stats: Stats, now: number): BotRow[] {
  const holding = new Map<string, number>();
  for (const lease of stats.leases) holding.set(lease.claimedBy, (holding.get(lease.claimedBy) ?? 0) + 1);
  return stats.bots
    .map((b) => ({
      workerId: b.workerId,
      lastPolledAt: b.lastPolledAt,
      stale: now - b.lastPolledAt > STALE_BOT_MS,
      holding: holding.get(b.workerId) ?? 0,
    }))
    .sort((a, b) => b.lastPolledAt - a.lastPolledAt || a.workerId.localeCompare(b.workerId));
}

export interface LeaseRow {
  messageId: string;
  entity: string;
  claimedBy: string;
  expiresAt: number;
  attempts: number;
  /** Past its expiry: the worker stopped answering and the lease is about to be reclaimed. */
  expired: boolean;
}

export function leaseRows(stats: Stats, now: number): LeaseRow[] {
  return stats.leases
    .map((l) => ({ ...l, expired: l.expiresAt < now }))
    .sort((a, b) => a.expiresAt - b.expiresAt || a.messageId.localeCompare(b.messageId));
}

export interface StorageRow {
  key: "kvReads" | "kvWrites" | "rowsRead" | "rowsWritten";
  label: string;
  perMinute: number;
  total: number;
}

/** Storage operations: the last full minute's rate and the total since the room object started. */
export function storageRows(stats: PublicStats): StorageRow[] {
  const labels: [StorageRow["key"], string][] = [
    ["kvReads", "KV reads"],
    ["kvWrites", "KV writes"],
    ["rowsRead", "Rows read"],
    ["rowsWritten", "Rows written"],
  ];
  return labels.map(([key, label]) => ({
    key,
    label,
    perMinute: stats.storagePerMinute[key],
    total: stats.storage[key],
  }));
}

/** The rate is measured per whole minute: during the object's first minute there is none yet. */
export function storageMeasuring(stats: PublicStats, now: number): boolean {
  return now - stats.storage.since < MINUTE;
}

export interface PendingRow {
  id: string;
  entity: string;
  username: string;
  text: string;
  priority: number;
  /** ms since the message was posted. */
  age: number;
}

/** Waiting messages (from the admin-only pending list), in the order bots will take them. */
export function pendingRows(messages: readonly Message[], now: number): PendingRow[] {
  return messages
    .filter((m) => m.botParams?.status === "pending")
    .map((m) => ({
      id: m.id,
      entity: m.botParams?.entity ?? "",
      username: m.username,
      text: m.text,
      priority: m.botParams?.priority ?? LIMITS.priorityDefault,
      age: Math.max(0, now - m.timestamp),
    }));
}

// ── operator actions ──────────────────────────────────────────────────────────────────────

export type AdminAction = "requeue" | "fail";

const ACTION_VERB: Record<AdminAction, string> = { requeue: "Requeue", fail: "Fail" };

/** What an operator reads when an action did not happen, and what to do about it. */
export function actionErrorText(action: AdminAction, messageId: string, error: unknown): string {
  const what = `${ACTION_VERB[action]} ${messageId}`;
  if (!(error instanceof ApiError)) return `${what} failed: ${error instanceof Error ? error.message : String(error)}`;
  switch (error.code) {
    case "network":
      return `${what} failed: the server could not be reached. Try again.`;
    case "unauthorized":
      return `${what} needs the admin token. Enter it in “Admin token” above.`;
    case "forbidden":
      return `${what} was refused: that is not the admin token. Check it and try again.`;
    case "conflict":
    case "already_answered":
    case "lease_lost":
      return `${what} not possible: ${error.message}`;
    default:
      return `${what} failed (${error.code}): ${error.message}`;
  }
}

/** An action tried before any token was entered: nothing was sent. */
export function missingTokenText(action: AdminAction, messageId: string): string {
  return `${ACTION_VERB[action]} ${messageId} needs the admin token. Enter it in “Admin token” above.`;
}

/** Why the pending list (admin token) cannot be shown. */
export function tokenProblem(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null;
  if (error.code === "unauthorized") return "Enter the admin token to list waiting messages.";
  if (error.code === "forbidden") return "The admin token was refused.";
  return null;
}

export function actionDoneText(action: AdminAction, message: Message): string {
  const entity = message.botParams?.entity ?? "its entity";
  return action === "requeue"
    ? `Requeued ${message.id}: waiting for ${entity} again.`
    : `Failed ${message.id}${message.botParams?.error ? `: ${message.botParams.error}` : ""}.`;
}

// ── bot tokens ───────────────────────────────────────────────────────────────────────────

/** "sage, wren" → ["sage", "wren"]; "*" → every entity; anything else → what is wrong, in words. */
export function parseEntityScope(raw: string): { scope: EntityScope } | { problem: string } {
  const text = raw.trim();
  if (text === ALL_ENTITIES) return { scope: ALL_ENTITIES };
  const ids = [...new Set(text.split(/[\s,]+/).filter(Boolean))];
  const parsed = entityScopeSchema.safeParse(ids);
  if (parsed.success) return { scope: parsed.data };
  if (ids.length === 0) return { problem: "Name at least one entity, or * for all." };
  const bad = ids.find((id) => !isEntityId(id));
  return {
    problem: bad
      ? `"${bad.slice(0, 64)}" is not an entity id: ids are 1–64 characters of A-Z, a-z, 0-9, '_', '.' or '-', and not __proto__, constructor or prototype.`
      : "Name at most 100 entities, or * for all.",
  };
}

export function scopeLabel(scope: EntityScope): string {
  return scope === ALL_ENTITIES ? "all entities" : scope.join(", ");
}

// ── calls ─────────────────────────────────────────────────────────────────────────────────

export interface MonitorApiOptions {
  room: string;
  baseUrl?: string;
  fetchImpl?: typeof fetch;
}

/** The monitor's calls on the page's own origin: stats (public counts, admin detail), entities, the queue (admin). */
export class MonitorApi extends AuthorizedApi {
  /** The same calls without `room`, for the routes that are not per room (the named bot tokens). */
  private readonly everywhere: AuthorizedApi;

  constructor(options: MonitorApiOptions) {
    const shared = { baseUrl: options.baseUrl, fetch: options.fetchImpl, noStore: true };
    // The default room is the server's default: its URLs carry no `room`.
    super({ ...shared, room: options.room === DEFAULT_ROOM ? undefined : options.room });
    this.everywhere = new AuthorizedApi(shared);
  }

  /**
   * Aggregate counts for anyone, with `minutes` of the per-minute series (O5); with the admin
   * token also bots, leases, failure reasons and reply latency (the server decides which view it
   * answers, so a wrong token just gets the public one).
   */
  stats(options: { minutes?: number; token?: string } = {}): Promise<Stats | PublicStats> {
    return this.request(
      "GET",
      "/api/stats",
      { token: options.token, query: { minutes: options.minutes } },
      anyStatsSchema,
    );
  }

  async entities(): Promise<EntitySeen[]> {
    return (await this.request("GET", "/api/entities", {}, entitiesResponseSchema)).entities;
  }

  /** Waiting messages. No workerId or entity: looking must not count as a bot polling. */
  async pending(token: string, limit = 50): Promise<Message[]> {
    return (await this.request("GET", "/api/queue/pending", { token, query: { limit } }, pendingResponseSchema))
      .pending;
  }

  /** `POST /api/admin/requeue`. */
  async requeue(token: string, messageId: string): Promise<Message> {
    return (await this.request("POST", "/api/admin/requeue", { token, body: { messageId } }, adminResultSchema))
      .message;
  }

  /** `POST /api/admin/fail`, with the operator's reason when there is one. */
  async fail(token: string, messageId: string, reason?: string): Promise<Message> {
    const body = reason?.trim() ? { messageId, error: reason.trim() } : { messageId };
    return (await this.request("POST", "/api/admin/fail", { token, body }, adminResultSchema)).message;
  }

  /** Named bot tokens are global, not per room. */
  async tokens(token: string): Promise<BotTokenInfo[]> {
    return (await this.everywhere.request("GET", "/api/admin/tokens", { token }, botTokenListSchema)).tokens;
  }

  /** Resolves to the new secret, which the server shows this once. */
  createToken(token: string, name: string, entities: EntityScope): Promise<{ token: string; info: BotTokenInfo }> {
    const body = { name, entities };
    return this.everywhere.request("POST", "/api/admin/tokens", { token, body }, createdBotTokenSchema);
  }

  async revokeToken(token: string, name: string): Promise<BotTokenInfo> {
    const body = { name };
    return (await this.everywhere.request("POST", "/api/admin/tokens/revoke", { token, body }, revokedBotTokenSchema))
      .info;
  }

  /** E8: the room's scene limits (admin token). */
  scene(token: string): Promise<SceneSettings> {
    return this.request("GET", "/api/admin/scene", { token }, sceneSettingsSchema);
  }

  setScene(token: string, settings: SceneSettings): Promise<SceneSettings> {
    return this.request("PUT", "/api/admin/scene", { token, body: settings }, sceneSettingsSchema);
  }
}

/**
 * E8: the monitor's scene form, as typed: whole numbers within the room's limits, or what is
 * wrong with them in words an operator can act on.
 */
export function parseSceneForm(
  turnBudget: string,
  hourlyCap: string,
): { settings: SceneSettings } | { problem: string } {
  const whole = (raw: string) => (/^\s*\d{1,6}\s*$/.test(raw) ? Number(raw) : Number.NaN);
  const turns = whole(turnBudget);
  const cap = whole(hourlyCap);
  if (!(turns >= 0 && turns <= SCENES.turnBudgetMax))
    return { problem: `Turn budget must be a whole number from 0 (scenes off) to ${SCENES.turnBudgetMax}.` };
  if (!(cap >= 0 && cap <= SCENES.hourlyCapMax))
    return { problem: `Hourly cap must be a whole number from 0 to ${SCENES.hourlyCapMax}.` };
  return { settings: { turnBudget: turns, hourlyCap: cap } };
}

/** Why the scene settings could not be read or saved. */
export function sceneErrorText(what: "Loading" | "Saving", error: unknown): string {
  if (!(error instanceof ApiError))
    return `${what} the scene settings failed: ${error instanceof Error ? error.message : String(error)}`;
  switch (error.code) {
    case "unauthorized":
      return `${what} the scene settings needs the admin token. Enter it in “Admin token” above.`;
    case "forbidden":
      return `${what} the scene settings was refused: that is not the admin token.`;
    case "network":
      return `${what} the scene settings failed: the server could not be reached. Try again.`;
    default:
      return `${what} the scene settings failed: ${error.message}`;
  }
}
