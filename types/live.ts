import { z } from "zod";
import { channelSchema, entitySeenSchema, userFilterSchema } from "./api.ts";
import { LIVE } from "./constants.ts";
import {
  colorSchema,
  messageIdSchema,
  messageSchema,
  queueStatusSchema,
  storedEntityIdSchema,
  usernameSchema,
} from "./message.ts";

/**
 * The live protocol of `GET /api/live?room=…&cursor=N` (a WebSocket). The seq cursor is still
 * what makes delivery complete: a client keeps the highest seq it has received, ignores anything
 * at or below it, and resumes from it after every reconnect. Every frame, both ways, is one JSON
 * object validated by these schemas.
 */

export { LIVE, LIVE_CLOSE, LIVE_ERROR } from "./constants.ts";

/** Which messages a socket receives: the same channel and user pairs as `GET /api/comments`. */
export const liveFilterSchema = z.object({
  channel: channelSchema.default("ALL"),
  users: z.array(userFilterSchema).max(LIVE.maxFilterUsers).default([]),
});
export type LiveFilter = z.infer<typeof liveFilterSchema>;

/** Query of the live route. */
export const liveQuerySchema = z.object({
  cursor: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  type: channelSchema.default("ALL"),
  /** `name:color+name:color`, as on `GET /api/comments`. */
  u: z.string().max(2000).optional(),
  /** The change revision the client's window reflects: changes since are sent after `hello`. */
  rev: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});

/** What the Worker hands the Room for one live subscription (validated again there). */
export const liveParamsSchema = z.object({
  cursor: z.number().int().min(0).optional(),
  filter: liveFilterSchema,
  rev: z.number().int().min(0).optional(),
  /** The client address the Worker saw (cf-connecting-ip): mutes apply to typing frames too. */
  address: z.string().min(1).max(100).optional(),
});
export type LiveParams = z.infer<typeof liveParamsSchema>;

// ── client → server ─────────────────────────────────────────────────────────────────────────

const resumeFrameSchema = z.object({ type: z.literal("resume"), cursor: z.number().int().min(0) });
const filterFrameSchema = z.object({ type: z.literal("filter"), filter: liveFilterSchema });
const pingFrameSchema = z.object({ type: z.literal("ping") });
/**
 * The person at this page is typing (`typing: true`, repeated at most every LIVE.typingRefreshMs)
 * or stopped (sent, cleared). Never stored; the name and color follow a message's rules.
 */
const typingFrameSchema = z.object({
  type: z.literal("typing"),
  username: usernameSchema,
  color: colorSchema,
  typing: z.boolean(),
});
export const clientFrameSchema = z.discriminatedUnion("type", [
  resumeFrameSchema,
  filterFrameSchema,
  pingFrameSchema,
  typingFrameSchema,
]);
export type ClientFrame = z.infer<typeof clientFrameSchema>;

// ── server → client ─────────────────────────────────────────────────────────────────────────

/** A queue transition of an addressed message (replaces polling `/api/comments/status`). */
const queueChangeSchema = z.object({
  id: messageIdSchema,
  /** The job that moved, for a message with several (absent: the message's only job). */
  entity: storedEntityIdSchema.optional(),
  seq: z.number().int().positive(),
  status: queueStatusSchema,
  attempts: z.number().int().min(0),
  error: z.string().nullable(),
  leaseExpiresAt: z.number().int().nullable(),
});
export type QueueChange = z.infer<typeof queueChangeSchema>;

/** The text an entity has generated so far for an addressed message (never stored as a message). */
const draftSchema = z.object({
  messageId: messageIdSchema,
  entity: z.string(),
  username: z.string(),
  color: z.string(),
  text: z.string(),
  /** Absent means `writing`. `thinking`: the entity is reasoning; `text` is empty. */
  phase: z.literal("thinking").optional(),
  updatedAt: z.number().int(),
});
export type Draft = z.infer<typeof draftSchema>;

const helloEventSchema = z.object({
  type: z.literal("hello"),
  /** Highest committed seq in the room. */
  head: z.number().int().min(0),
  /** The cursor catch-up starts from (what the client sent, or head when it sent none). */
  cursor: z.number().int().min(0),
  drafts: z.array(draftSchema).default([]),
  entities: z.array(entitySeenSchema).default([]),
});
const messagesEventSchema = z
  .object({
    type: z.literal("messages"),
    /** Ascending by seq; only messages this socket's filter shows. */
    messages: z.array(messageSchema),
    /**
     * Every seq up to here has been considered for this socket: resume from it. Omitted when it is
     * the last message's seq (as in most broadcasts), since every viewer gets every frame.
     */
    cursor: z.number().int().min(0).optional(),
    /** Catch-up stopped at its page limit: send `resume` with `cursor` for the rest. Omitted when false. */
    hasMore: z.boolean().default(false),
  })
  .refine((e) => e.cursor !== undefined || e.messages.length > 0, {
    message: "cursor is required when messages is empty",
    path: ["cursor"],
  })
  .transform((e) => ({ ...e, cursor: e.cursor ?? (e.messages.at(-1)?.seq as number) }));
const queueEventSchema = z.object({ type: z.literal("queue"), changes: z.array(queueChangeSchema) });
const presenceEventSchema = z.object({ type: z.literal("presence"), entities: z.array(entitySeenSchema) });
const draftEventSchema = z.object({ type: z.literal("draft"), draft: draftSchema });
const draftGoneEventSchema = z.object({
  type: z.literal("draft-gone"),
  messageId: messageIdSchema,
  /** `complete` (the stored reply follows in a `messages` event), `failed`, `released`, `expired`. */
  reason: z.enum(["complete", "failed", "released", "expired", "removed"]),
});
/** Messages that changed in place (a moderation tombstone, a restore): replace by id. */
const updatedEventSchema = z.object({
  type: z.literal("updated"),
  messages: z.array(messageSchema),
  /** The room's change revision these reflect: poll (`rev=`) or reconnect from it. */
  rev: z.number().int().min(0).optional(),
});
/** Someone typing, as the room shows them: a message's name and color. */
const typistSchema = z.object({ username: z.string(), color: z.string() });
/**
 * Who is here, as one small aggregate (never a member list), coalesced to at most one frame per
 * LIVE.activityIntervalMs per room: open sockets of the room, and who is typing.
 */
const activityEventSchema = z.object({
  type: z.literal("activity"),
  /** Open sockets of the room (one per page). */
  here: z.number().int().min(0),
  /** At most LIVE.typingNamesMax typists, most recent first. */
  typing: z.array(typistSchema).max(LIVE.typingNamesMax),
  /** Everyone typing, named or not (a page subtracts itself when it is among the names). */
  typingCount: z.number().int().min(0),
});
/** One entity's line: how much waits, how much is being answered, and the order of what waits. */
const lineSchema = z.object({
  entity: storedEntityIdSchema,
  pending: z.number().int().min(0),
  processing: z.number().int().min(0),
  /** The first LIVE.lineMax waiting message ids, next first: a message's place is its index. */
  next: z.array(messageIdSchema).max(LIVE.lineMax),
});
export type Line = z.infer<typeof lineSchema>;
/** Every entity's line as it now stands, sent after queue changes (coalesced, once per room). */
const linesEventSchema = z.object({ type: z.literal("lines"), lines: z.array(lineSchema) });
/** The keep-alive answer (sent by the runtime, byte for byte LIVE.pong). */
const pongEventSchema = z.object({ type: z.literal("pong") });
/** A recoverable problem with the client's last frame; the socket stays open. */
const errorEventSchema = z.object({ type: z.literal("error"), code: z.string(), message: z.string() });

export const serverEventSchema = z.discriminatedUnion("type", [
  helloEventSchema,
  messagesEventSchema,
  queueEventSchema,
  presenceEventSchema,
  draftEventSchema,
  draftGoneEventSchema,
  updatedEventSchema,
  activityEventSchema,
  linesEventSchema,
  errorEventSchema,
  pongEventSchema,
]);
export type ServerEvent = z.infer<typeof serverEventSchema>;
/** A frame as the room writes it: defaults and derivable fields may be left out (see `messages`). */
export type ServerFrame = z.input<typeof serverEventSchema>;
