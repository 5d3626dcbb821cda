import { z } from "zod";
import {
  aiUsernameSchema,
  colorSchema,
  entityIdSchema,
  LIMITS,
  messageIdSchema,
  messageSchema,
  readSchema,
  SCENES,
} from "./message.ts";

export const LEASE = { minSeconds: 5, maxSeconds: 600, defaultSeconds: 60, maxWaitSeconds: 25 } as const;

export const workerIdSchema = z.string().min(1).max(128);
const leaseSecondsSchema = z.number().int().min(LEASE.minSeconds).max(LEASE.maxSeconds);
const waitSecondsSchema = z.number().min(0).max(LEASE.maxWaitSeconds);
const leaseTokenSchema = z.string().min(1).max(128);

const leaseSchema = z.object({ token: z.string(), expiresAt: z.number().int() });
export type Lease = z.infer<typeof leaseSchema>;

export const pendingQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(LIMITS.pageMax).default(50),
  entity: entityIdSchema.optional(),
  wait: z.coerce.number().min(0).max(LEASE.maxWaitSeconds).default(0),
  workerId: workerIdSchema.optional(),
});
export const pendingResponseSchema = z.object({ pending: z.array(messageSchema) });

export const claimRequestSchema = z.object({
  messageId: messageIdSchema,
  workerId: workerIdSchema,
  leaseSeconds: leaseSecondsSchema.optional(),
});
export type ClaimRequest = z.infer<typeof claimRequestSchema>;

/** How a bot presents an entity it serves, so the app can list it by name and color (E5). */
const entityProfileSchema = z.object({
  id: entityIdSchema,
  username: aiUsernameSchema,
  color: colorSchema,
});
export type EntityProfile = z.infer<typeof entityProfileSchema>;

export const claimNextRequestSchema = z.object({
  workerId: workerIdSchema,
  entities: z.array(entityIdSchema).max(100).optional(),
  profiles: z.array(entityProfileSchema).max(100).optional(),
  wait: waitSecondsSchema.optional(),
  leaseSeconds: leaseSecondsSchema.optional(),
});
export type ClaimNextRequest = z.infer<typeof claimNextRequestSchema>;

export const claimResponseSchema = z.object({
  success: z.literal(true),
  message: messageSchema,
  lease: leaseSchema,
});
export type ClaimResponse = z.infer<typeof claimResponseSchema>;

export const heartbeatRequestSchema = z.object({
  messageId: messageIdSchema,
  leaseToken: leaseTokenSchema,
  leaseSeconds: leaseSecondsSchema.optional(),
});
export type HeartbeatRequest = z.infer<typeof heartbeatRequestSchema>;
export const heartbeatResponseSchema = z.object({ success: z.literal(true), lease: leaseSchema });

/**
 * Streaming: how often a bot may report the text generated so far. The bot coalesces to
 * `botIntervalMs`; the room refuses (429) anything closer than `minIntervalMs` for one message.
 */
export const PROGRESS = { minIntervalMs: 100, botIntervalMs: 150 } as const;

/** `POST /api/queue/progress`: the draft of a reply being generated; renews the lease like heartbeat. */
export const progressRequestSchema = z
  .object({
    messageId: messageIdSchema,
    leaseToken: leaseTokenSchema,
    /**
     * The answer so far, already post-processed by the bot (never stored as a message), thinking
     * removed. Empty only with `phase: "thinking"`.
     */
    text: z.string().max(LIMITS.textMax, `text is at most ${LIMITS.textMax} characters`),
    /**
     * `thinking`: the model is reasoning and has no answer text yet (its thinking is never sent);
     * `writing` (the default): `text` is the answer so far.
     */
    phase: z.enum(["thinking", "writing"]).optional(),
    /** The identity the reply will have, so the draft looks like it from the first token. */
    username: aiUsernameSchema.optional(),
    color: colorSchema.optional(),
    leaseSeconds: leaseSecondsSchema.optional(),
  })
  .refine((p) => p.text.length > 0 || p.phase === "thinking", {
    path: ["text"],
    message: 'text is required (it may be empty only with phase "thinking")',
  });
export type ProgressRequest = z.infer<typeof progressRequestSchema>;
export type DraftPhase = NonNullable<ProgressRequest["phase"]>;
export const progressResponseSchema = z.object({ success: z.literal(true), lease: leaseSchema });

const replyInputSchema = z.object({
  text: z.string().trim().min(1, "reply text is required").max(LIMITS.textMax),
  username: aiUsernameSchema.optional(),
  color: colorSchema.optional(),
});
export type ReplyInput = z.infer<typeof replyInputSchema>;

export const completeRequestSchema = z.object({
  messageId: messageIdSchema,
  leaseToken: leaseTokenSchema.optional(),
  /** Absent: complete without posting (an entity that chose to stay silent). */
  reply: replyInputSchema.optional(),
  /** What the entity read to write the reply (E9); stored on the reply for everyone to see. */
  read: readSchema.optional(),
});
export type CompleteRequest = z.infer<typeof completeRequestSchema>;
export const completeResponseSchema = z.object({
  success: z.literal(true),
  reply: messageSchema.nullable(),
});

export const failRequestSchema = z.object({
  messageId: messageIdSchema,
  leaseToken: leaseTokenSchema,
  error: z.string().min(1).max(500),
  retryable: z.boolean().optional(),
});
export type FailRequest = z.infer<typeof failRequestSchema>;
export const failResponseSchema = z.object({
  success: z.literal(true),
  status: z.enum(["pending", "failed"]),
  attempts: z.number().int(),
});

export const releaseRequestSchema = z.object({ messageId: messageIdSchema, leaseToken: leaseTokenSchema });
export type ReleaseRequest = z.infer<typeof releaseRequestSchema>;

/** Operator actions from the monitor (admin token). */
export const adminRequeueSchema = z.object({ messageId: messageIdSchema });
/** What both operator actions answer: the message as it now stands. */
export const adminResultSchema = z.object({ success: z.literal(true), message: messageSchema });

/**
 * `POST /api/admin/fail`. The reason is stored as `failed by an operator: <reason>` for admins and
 * bots; the public reads only `failed by an operator` (types/public-view.ts).
 */
export const adminFailSchema = z.object({
  messageId: messageIdSchema,
  error: z.string().min(1).max(500).default("failed by an operator"),
});

/** A room's scene limits (E8), set by an operator from the monitor (admin token). */
export const sceneSettingsSchema = z.object({
  /** AI-triggered turns after a human message; 0 turns scenes off. */
  turnBudget: z.number().int().min(0).max(SCENES.turnBudgetMax),
  /** AI-triggered turns per hour in the room. */
  hourlyCap: z.number().int().min(0).max(SCENES.hourlyCapMax),
});
export type SceneSettings = z.infer<typeof sceneSettingsSchema>;

/** What an entity's `scope` names for its prompt (E9). */
export const contextScopeSchema = z.enum(["conversation", "thread", "room"]);
export type ContextScope = z.infer<typeof contextScopeSchema>;

/** `GET /api/queue/context`: the room history one job's prompt is built from (bot token). */
export const contextQuerySchema = z.object({
  messageId: messageIdSchema,
  /**
   * `thread`: the reply chain from the message up to the human message that started it;
   * `room`: the room's last `limit` messages up to and including the message; `conversation`: the
   * messages of the message's author and of `entity` (its display name as bots report it).
   */
  scope: contextScopeSchema,
  limit: z.coerce.number().int().min(1).max(LIMITS.contextMax).default(20),
  /** The entity whose conversation is meant (default: the message's first job). */
  entity: entityIdSchema.optional(),
});
export type ContextQuery = z.infer<typeof contextQuerySchema>;
export const contextResponseSchema = z.object({
  scope: contextScopeSchema,
  /** Oldest first; the message itself is the last one. */
  messages: z.array(messageSchema),
});
