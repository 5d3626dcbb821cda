import { z } from "zod";

// The plain constants live in ./constants.ts (the browser imports them without zod).
import { LIMITS } from "./constants.ts";

export { DEFAULT_ROOM, LIMITS } from "./constants.ts";

export const messageIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 characters of A-Z, a-z, 0-9, _ or -");

export const roomSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, "room must be 1-64 characters of A-Z, a-z, 0-9, _ or -");

/** `RRRGGGBBB`, each channel 000-255, optionally `-` + 10 alphanumerics. */
export const colorSchema = z
  .string()
  .regex(/^\d{9}(-[A-Za-z0-9]{10})?$/, "color must be RRRGGGBBB (e.g. 255128000)")
  .refine((c) => [0, 3, 6].every((i) => Number(c.slice(i, i + 3)) <= 255), "each color channel must be 000-255");

const usernameOf = (max: number, who: string) =>
  z
    .string()
    .min(1, "username is required")
    .max(max, `${who} username is at most ${max} characters`)
    .regex(/^\S+$/, "username cannot contain whitespace");

/** A person's username. */
export const usernameSchema = usernameOf(LIMITS.usernameMax, "a person's");
/** An entity's username: what AI messages, replies and the bot's entity config accept. */
export const aiUsernameSchema = usernameOf(LIMITS.aiUsernameMax, "an AI");

export const messageTypeSchema = z.enum(["human", "AI"]);

export const queueStatusSchema = z.enum(["pending", "processing", "complete", "failed"]);
export type QueueStatus = z.infer<typeof queueStatusSchema>;

/** Names an entity everywhere: botParams, queue filters, profiles, the bot's entity file. */
export const entityIdSchema = z.string().min(1).max(64);

export const prioritySchema = z.number().int().min(0).max(LIMITS.priorityMax);

/** What a client may send in `botParams`. Server-owned fields are accepted and ignored. */
const botParamsInputSchema = z.object({
  entity: entityIdSchema,
  priority: prioritySchema.optional(),
  model: z.string().min(1).max(128).optional(),
  /** Reply identity `name:color` or `name:random`. */
  ais: z.string().min(1).max(64).optional(),
});

/** `botParams` as stored and returned by the server. */
const botParamsSchema = botParamsInputSchema.extend({
  priority: prioritySchema,
  status: queueStatusSchema,
  attempts: z.number().int().min(0),
  claimedBy: z.string().nullable(),
  leaseExpiresAt: z.number().int().nullable(),
  error: z.string().nullable(),
  /**
   * The predecessor's flag, derived from `status` (false while pending or processing, true once
   * complete or failed) so it can never be lost or contradict the queue. Optional only so that a
   * snapshot written before it existed still parses.
   */
  processed: z.boolean().optional(),
});

/**
 * Context is advisory: the newest `contextMax` lines are kept and older ones dropped, never refused.
 * The old client sends every message on screen (oldest first), which can exceed the limit in a long
 * conversation, and refusing would lose the person's message.
 */
const contextSchema = z
  .array(z.string().max(LIMITS.contextLineMax, `each context line is at most ${LIMITS.contextLineMax} characters`))
  .transform((lines) => lines.slice(-LIMITS.contextMax));

/**
 * Body of `POST /api/comments`. Unknown fields are ignored (older clients send extra ones), and so
 * are server-owned ones such as `botParams.processed` or `botParams.status`.
 */
export const messageInputSchema = z
  .object({
    id: messageIdSchema.optional(),
    text: z
      .string()
      .trim()
      .min(1, "text is required")
      .max(LIMITS.textMax, `text is at most ${LIMITS.textMax} characters`),
    // The wider AI limit here; a person's limit is enforced below once the type is known.
    username: aiUsernameSchema,
    color: colorSchema,
    domain: z.string().max(253).optional(),
    "message-type": messageTypeSchema.optional(),
    replyTo: messageIdSchema.optional(),
    context: contextSchema.optional(),
    botParams: botParamsInputSchema.optional(),
    /** A client clock reading, kept only as `clientTimestamp`; never used for ordering. */
    timestamp: z.number().finite().optional(),
  })
  .superRefine((m, ctx) => {
    if (m["message-type"] !== "AI" && m.username.length > LIMITS.usernameMax) {
      ctx.addIssue({
        code: "custom",
        path: ["username"],
        message: `a person's username is at most ${LIMITS.usernameMax} characters (an AI's ${LIMITS.aiUsernameMax})`,
      });
    }
  });
export type MessageInput = z.infer<typeof messageInputSchema>;

export const messageSchema = z.object({
  id: messageIdSchema,
  seq: z.number().int().positive(),
  timestamp: z.number().int(),
  clientTimestamp: z.number().optional(),
  text: z.string(),
  username: z.string(),
  color: z.string(),
  domain: z.string(),
  "message-type": messageTypeSchema,
  replyTo: z.string().optional(),
  context: z.array(z.string()).optional(),
  botParams: botParamsSchema.optional(),
  /** A moderator removed it: a tombstone that keeps its seq and id; text, username and color are empty. */
  removed: z.object({ reason: z.string(), at: z.number().int() }).optional(),
});
export type Message = z.infer<typeof messageSchema>;

/** `PATCH /api/comments/:id`: the documented update, nothing else. */
export const messagePatchSchema = z.object({
  botParams: z.object({ processed: z.boolean() }),
});
