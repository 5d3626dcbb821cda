import { z } from "zod";
// The plain constants live in ./constants.ts (the browser imports them without zod).
import { ENTITY_ID_PATTERN, LIMITS, RESERVED_KEYS } from "./constants.ts";
import { nameLength, nameProblem } from "./names.ts";

export { DEFAULT_ROOM, ENTITY_ID_PATTERN, isEntityId, LIMITS, RESERVED_KEYS, SCENES } from "./constants.ts";

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

/**
 * A name as the rule in names.ts has it: stored in NFC, its length counted after normalizing (in
 * code points), and refused when it holds anything that would make it look like another name.
 */
const usernameOf = (max: number, who: string) =>
  z
    .string()
    .normalize("NFC")
    .min(1, "username is required")
    .max(max, `${who} username is at most ${max} characters`)
    .superRefine((name, ctx) => {
      const problem = nameProblem(name);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    });

/** A person's username. */
export const usernameSchema = usernameOf(LIMITS.usernameMax, "a person's");
/** An entity's username: what AI messages, replies and the bot's entity config accept. */
export const aiUsernameSchema = usernameOf(LIMITS.aiUsernameMax, "an AI");

export const messageTypeSchema = z.enum(["human", "AI"]);

export const queueStatusSchema = z.enum(["pending", "processing", "complete", "failed"]);
export type QueueStatus = z.infer<typeof queueStatusSchema>;

/** Names an entity everywhere: botParams, queue filters, profiles, bot token scopes, the bot's entity file. */
export const entityIdSchema = z
  .string()
  .regex(ENTITY_ID_PATTERN, "an entity id is 1-64 characters of A-Z, a-z, 0-9, '_', '.' or '-'")
  .refine((id) => !RESERVED_KEYS.has(id), {
    message: "an entity id cannot be __proto__, constructor or prototype (pick another name)",
  });

/**
 * An entity id as the server reports it: rooms may hold ids stored before the rule above, so
 * responses accept any short string rather than fail a whole page over one old message.
 */
export const storedEntityIdSchema = z.string().max(64);

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
  entity: storedEntityIdSchema,
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

/** An `@id` or `@Username` the room matched to an entity it knows (case-insensitive, word boundary). */
const mentionSchema = z.object({
  entity: entityIdSchema,
  /** The entity's display name and color when the room resolved it, for rendering the mention. */
  username: z.string(),
  color: z.string().optional(),
  /** False for a mention past SCENES.maxAddressed, of the author itself, or refused by the budget. */
  addressed: z.boolean(),
});
export type Mention = z.infer<typeof mentionSchema>;

/** One queue job per (message, entity): what a bot leases, completes or fails. */
const jobSchema = z.object({
  entity: entityIdSchema,
  status: queueStatusSchema,
  attempts: z.number().int().min(0),
  error: z.string().nullable(),
  /** AI turns since the last human message in this chain (a human message's jobs are 0). */
  depth: z.number().int().min(0),
  /** The reply that settled it. */
  replyId: messageIdSchema.optional(),
});
export type Job = z.infer<typeof jobSchema>;

/** Why an AI reply's mentions did not become jobs: the scene paused and waits for a person. */
export const scenePauseSchema = z.enum(["turn_budget", "hourly_cap", "scenes_off"]);
export type ScenePause = z.infer<typeof scenePauseSchema>;

/** What an entity read to write its reply (the prompt's history), shown to everyone. */
const readSchema = z.object({
  scope: z.enum(["conversation", "thread", "room"]),
  count: z.number().int().min(0),
  /** The seqs read, when few enough to list; else only first/last. */
  seqs: z.array(z.number().int().positive()).max(200).optional(),
  first: z.number().int().positive().optional(),
  last: z.number().int().positive().optional(),
});
export type ReadRecord = z.infer<typeof readSchema>;

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
    // Code points of the normalized name, as the schema's own `.max` counts (names.ts).
    if (m["message-type"] !== "AI" && nameLength(m.username) > LIMITS.usernameMax) {
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
  /** Entities the text mentions, as the room resolved them (absent when it mentions none). */
  mentions: z.array(mentionSchema).optional(),
  /**
   * The message's queue jobs, one per addressed entity, when it addresses more than one or any by
   * mention. `botParams` mirrors the first job, so a single-entity client reads what it always did;
   * `botParams.processed` is true once every job is settled.
   */
  jobs: z.array(jobSchema).optional(),
  /** On an AI reply: its turn's depth, and why the scene paused after it (its mentions were not addressed). */
  scene: z.object({ depth: z.number().int().min(0), paused: scenePauseSchema.optional() }).optional(),
  /** On an AI reply: the history its entity read to write it. */
  read: readSchema.optional(),
});
export type Message = z.infer<typeof messageSchema>;
export { readSchema };

/** `PATCH /api/comments/:id`: the documented update, nothing else. */
export const messagePatchSchema = z.object({
  botParams: z.object({ processed: z.boolean() }),
});
