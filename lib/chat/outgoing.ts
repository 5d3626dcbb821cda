import type { Message, MessageInput } from "../../types";
import { LIMITS } from "../../types/constants";
import { usernameSchema } from "../shared/wire";
import type { HashState, Identity } from "./hash-state";

/** Builds what the composer sends (C4, E1). */

export type ComposeProblem = "empty" | "too-long" | "no-username" | "bad-username";

export function checkDraft(text: string, username: string): ComposeProblem | null {
  if (!username) return "no-username";
  if (!usernameSchema.safeParse(username).success) return "bad-username";
  const trimmed = text.trim();
  if (!trimmed) return "empty";
  if (trimmed.length > LIMITS.composerMax) return "too-long";
  return null;
}

/** What the composer says beside the username box when a send is refused for the name. */
export function usernameHint(username: string): string | null {
  if (!username) return "Pick a username to send.";
  const parsed = usernameSchema.safeParse(username);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0]?.message ?? "this username is not allowed";
  return `${issue[0]?.toUpperCase()}${issue.slice(1)}.`;
}

/**
 * Client ids: the idempotency key of a send, reused by Retry so a retry never duplicates. 128
 * random bits from the platform's CSPRNG: the server answers a replayed id with the message first
 * stored under it (or 409 for other content), so an id someone could guess would let them take it.
 */
export function newMessageId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `m${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export interface OutgoingOptions {
  id: string;
  text: string;
  me: Identity;
  domain: string;
  addressing: Pick<HashState, "entity" | "priority" | "model" | "ais" | "contextSize">;
  /** The conversation as displayed, oldest first: `nom` lines of it go along as context. */
  displayed: readonly Message[];
}

export function buildOutgoing(o: OutgoingOptions): MessageInput {
  const input: MessageInput = {
    id: o.id,
    text: o.text.trim(),
    username: o.me.username,
    color: o.me.color,
    domain: o.domain,
    "message-type": "human",
  };
  const { entity, priority, model, ais, contextSize } = o.addressing;
  if (entity) {
    input.botParams = {
      entity,
      priority: priority ?? LIMITS.priorityDefault,
      ...(model ? { model } : {}),
      ...(ais ? { ais } : {}),
    };
    if (contextSize !== undefined && contextSize > 0) {
      input.context = o.displayed.slice(-contextSize).map((m) => `${m.username}: ${m.text}`);
    }
  }
  return input;
}

/** What the list shows for a message that is not stored yet. */
export function optimisticMessage(input: MessageInput, now: number): Message {
  return {
    id: input.id ?? "",
    seq: Number.MAX_SAFE_INTEGER,
    timestamp: now,
    text: input.text,
    username: input.username,
    color: input.color,
    domain: input.domain ?? "",
    "message-type": "human",
    ...(input.botParams
      ? {
          botParams: {
            entity: input.botParams.entity,
            priority: input.botParams.priority ?? LIMITS.priorityDefault,
            ...(input.botParams.model ? { model: input.botParams.model } : {}),
            ...(input.botParams.ais ? { ais: input.botParams.ais } : {}),
            status: "pending",
            attempts: 0,
            claimedBy: null,
            leaseExpiresAt: null,
            error: null,
          },
        }
      : {}),
  };
}

export function isMine(m: Pick<Message, "username" | "color">, me: Identity | undefined): boolean {
  return me !== undefined && m.username === me.username && m.color === me.color;
}
