import {
  type AuditEntry,
  auditResponseSchema,
  commentsPageSchema,
  DEFAULT_ROOM,
  type Message,
  MODERATION,
  type Mute,
  type MuteRequestTarget,
  type MuteTarget,
  moderationResultSchema,
  muteResponseSchema,
  mutesResponseSchema,
  unmuteResponseSchema,
} from "../../types";
import { AuthorizedApi } from "../client/authorized";
import { ApiError } from "../client/core";

/** Moderation in the monitor (O9): labels and calls, no React. */

/** How many recent messages the monitor lists with a Remove action. */
export const RECENT_FOR_MODERATION = 30;

/** Durations the mute form offers, in minutes. */
export const MUTE_CHOICES: readonly { minutes: number; label: string }[] = [
  { minutes: 10, label: "10 minutes" },
  { minutes: 60, label: "1 hour" },
  { minutes: 24 * 60, label: "1 day" },
  { minutes: 7 * 24 * 60, label: "1 week" },
];

/** A removal can still be undone (its text is kept until the grace period ends). */
export function canRestore(message: Message, now: number): boolean {
  return message.removed !== undefined && now - message.removed.at < MODERATION.graceMs;
}

/** `Troll (255000000)`, `address 203.0.113.9`, or `the poster of m1`. */
export function targetLabel(target: MuteRequestTarget): string {
  if ("messageId" in target) return `the poster of ${target.messageId}`;
  return "address" in target ? `address ${target.address}` : `${target.username} (${target.color})`;
}

/** An audit entry's target (`message:m1`, `address:…`, `identity:name:color`) as a person reads it. */
export function auditTargetLabel(target: string): string {
  const [kind, ...rest] = target.split(":");
  const value = rest.join(":");
  if (kind === "message") return `message ${value}`;
  if (kind === "address") return `address ${value}`;
  if (kind === "identity") {
    const cut = value.lastIndexOf(":");
    return cut < 0 ? value : `${value.slice(0, cut)} (${value.slice(cut + 1)})`;
  }
  return target;
}

const AUDIT_VERB: Record<AuditEntry["action"], string> = {
  remove: "removed",
  restore: "restored",
  mute: "muted",
  unmute: "unmuted",
};

/** `admin removed message m1: spam`. */
export function auditLine(entry: AuditEntry): string {
  const reason = entry.reason ? `: ${entry.reason}` : "";
  return `${entry.operator} ${AUDIT_VERB[entry.action]} ${auditTargetLabel(entry.target)}${reason}`;
}

/** What an operator reads when a moderation call did not happen, and what to do about it. */
export function moderationErrorText(what: string, error: unknown): string {
  if (!(error instanceof ApiError)) return `${what} failed: ${error instanceof Error ? error.message : String(error)}`;
  if (error.code === "network") return `${what} failed: the server could not be reached. Try again.`;
  if (error.code === "unauthorized") return `${what} needs the admin token. Enter it in “Admin token” above.`;
  if (error.code === "forbidden") return `${what} was refused: that is not the admin token.`;
  return `${what} failed (${error.code}): ${error.message}`;
}

/** The admin-token calls of moderation, on the page's own origin. */
export class ModerationApi extends AuthorizedApi {
  constructor(options: { room: string; baseUrl?: string; fetchImpl?: typeof fetch }) {
    // The default room is the server's default: its URLs carry no `room`.
    super({
      room: options.room === DEFAULT_ROOM ? undefined : options.room,
      baseUrl: options.baseUrl,
      fetch: options.fetchImpl,
      noStore: true,
    });
  }

  /** The newest messages, tombstones included (so a removal can be undone from the list). */
  async recent(limit = RECENT_FOR_MODERATION): Promise<Message[]> {
    const page = await this.request("GET", "/api/comments", { query: { limit } }, commentsPageSchema);
    return [...page.comments].reverse();
  }

  async remove(token: string, messageId: string, reason: string): Promise<Message> {
    const body = reason.trim() ? { messageId, reason: reason.trim() } : { messageId };
    return (await this.request("POST", "/api/admin/remove", { token, body }, moderationResultSchema)).message;
  }

  async restore(token: string, messageId: string): Promise<Message> {
    return (await this.request("POST", "/api/admin/restore", { token, body: { messageId } }, moderationResultSchema))
      .message;
  }

  async mute(token: string, target: MuteRequestTarget, minutes: number, reason: string): Promise<Mute> {
    const body = { target, minutes, reason: reason.trim() };
    return (await this.request("POST", "/api/admin/mute", { token, body }, muteResponseSchema)).mute;
  }

  async unmute(token: string, target: MuteTarget): Promise<void> {
    await this.request("POST", "/api/admin/unmute", { token, body: { target } }, unmuteResponseSchema);
  }

  async mutes(token: string): Promise<Mute[]> {
    return (await this.request("GET", "/api/admin/mutes", { token }, mutesResponseSchema)).mutes;
  }

  async audit(token: string, limit = 100): Promise<AuditEntry[]> {
    return (await this.request("GET", "/api/admin/audit", { token, query: { limit } }, auditResponseSchema)).entries;
  }
}
