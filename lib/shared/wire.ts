import { ENTITY_ID_PATTERN, ERROR_STATUS, LIMITS, LIVE, RESERVED_KEYS } from "../../types/constants.ts";
import { nameLength, nameProblem, normalizeName } from "../../types/names.ts";
import {
  array,
  atLeast,
  atMost,
  boolean,
  byType,
  enumOf,
  type Infer,
  int,
  literal,
  map,
  matches,
  maxLength,
  minLength,
  nullable,
  number,
  object,
  optional,
  positive,
  refine,
  type Schema,
  string,
  withDefault,
} from "./decode.ts";

/**
 * The wire as the browser checks it: the same rules as the types/ zod schemas the Worker and the
 * bot use, for every body and frame the app reads and the names and colors it stores, built
 * with lib/shared/decode.ts instead of zod (which costs the chat page ~100 KiB of script). lib/shared/wire.test.ts
 * proves each one gives the verdict and the value its types/ twin gives, so a change on one side
 * that the other misses fails there, not in a browser.
 */

type ErrorCode = keyof typeof ERROR_STATUS;

const idPattern = /^[A-Za-z0-9_-]{1,64}$/;
export const messageIdSchema = string(matches(idPattern, "must be 1-64 characters of A-Z, a-z, 0-9, _ or -"));
export const roomSchema = string(matches(idPattern, "room must be 1-64 characters of A-Z, a-z, 0-9, _ or -"));

/** `RRRGGGBBB`, each channel 000-255, optionally `-` + 10 alphanumerics. */
export const colorSchema = string(
  matches(/^\d{9}(-[A-Za-z0-9]{10})?$/, "color must be RRRGGGBBB (e.g. 255128000)"),
  (c) => ([0, 3, 6].every((i) => Number(c.slice(i, i + 3)) <= 255) ? null : "each color channel must be 000-255"),
);

/**
 * A name by the rule of types/names.ts (pure, no zod), as types/message.ts applies it: stored in
 * NFC, its length counted after normalizing in code points, refused when it holds anything that
 * would make it look like another name.
 */
const usernameOf = (max: number, who: string) =>
  refine(
    map(string(), normalizeName),
    (name) => (nameLength(name) >= 1 ? null : "username is required"),
    (name) => (nameLength(name) <= max ? null : `${who} username is at most ${max} characters`),
    (name) => nameProblem(name),
  );
/** A person's username. */
export const usernameSchema = usernameOf(LIMITS.usernameMax, "a person's");
/** An entity's username. */
export const aiUsernameSchema = usernameOf(LIMITS.aiUsernameMax, "an AI");
export type UsernameSchema = Schema<string>;

const messageTypeSchema = enumOf(["human", "AI"]);
const queueStatusSchema = enumOf(["pending", "processing", "complete", "failed"]);
/** Names an entity in what the browser sends and in resolved mentions and jobs. */
const entityIdSchema = string(
  matches(ENTITY_ID_PATTERN, "an entity id is 1-64 characters of A-Z, a-z, 0-9, '_', '.' or '-'"),
  (id) =>
    RESERVED_KEYS.has(id) ? "an entity id cannot be __proto__, constructor or prototype (pick another name)" : null,
);
/** An entity id as the server reports it: rooms may hold ids stored before the rule above. */
const storedEntityIdSchema = string(maxLength(64));
const prioritySchema = int(atLeast(0), atMost(LIMITS.priorityMax));
const count = () => int(atLeast(0));

const botParamsInputShape = {
  entity: entityIdSchema,
  priority: optional(prioritySchema),
  model: optional(string(minLength(1), maxLength(128))),
  ais: optional(string(minLength(1), maxLength(64))),
};
const botParamsSchema = object({
  ...botParamsInputShape,
  entity: storedEntityIdSchema,
  priority: prioritySchema,
  status: queueStatusSchema,
  attempts: count(),
  claimedBy: nullable(string()),
  leaseExpiresAt: nullable(int()),
  error: nullable(string()),
  processed: optional(boolean()),
});

/** A send as the outbox keeps it across reloads (`POST /api/comments`'s body). */
export const messageInputSchema = object(
  {
    id: optional(messageIdSchema),
    text: refine(
      map(string(), (s) => s.trim()),
      minLength(1, "text is required"),
      maxLength(LIMITS.textMax, `text is at most ${LIMITS.textMax} characters`),
    ),
    username: aiUsernameSchema,
    color: colorSchema,
    domain: optional(string(maxLength(253))),
    "message-type": optional(messageTypeSchema),
    replyTo: optional(messageIdSchema),
    context: optional(
      map(
        array(
          string(maxLength(LIMITS.contextLineMax, `each context line is at most ${LIMITS.contextLineMax} characters`)),
        ),
        (lines) => lines.slice(-LIMITS.contextMax),
      ),
    ),
    botParams: optional(object(botParamsInputShape)),
    timestamp: optional(number()),
  },
  (m) =>
    m["message-type"] !== "AI" && nameLength(m.username) > LIMITS.usernameMax
      ? `a person's username is at most ${LIMITS.usernameMax} characters (an AI's ${LIMITS.aiUsernameMax})`
      : null,
);

/** An `@id` or `@Username` the room matched to an entity it knows (E7). */
const mentionSchema = object({
  entity: entityIdSchema,
  username: string(),
  color: optional(string()),
  addressed: boolean(),
});

/** One queue job per (message, entity). */
const jobSchema = object({
  entity: entityIdSchema,
  status: queueStatusSchema,
  attempts: count(),
  error: nullable(string()),
  depth: count(),
  replyId: optional(messageIdSchema),
});

/** What an entity read to write its reply (E9). */
const readSchema = object({
  scope: enumOf(["conversation", "thread", "room"]),
  count: count(),
  seqs: optional(array(int(positive()), maxLength(200))),
  first: optional(int(positive())),
  last: optional(int(positive())),
});

export const messageSchema = object({
  id: messageIdSchema,
  seq: int(positive()),
  timestamp: int(),
  clientTimestamp: optional(number()),
  text: string(),
  username: string(),
  color: string(),
  domain: string(),
  "message-type": messageTypeSchema,
  replyTo: optional(string()),
  context: optional(array(string())),
  botParams: optional(botParamsSchema),
  removed: optional(object({ reason: string(), at: int() })),
  mentions: optional(array(mentionSchema)),
  jobs: optional(array(jobSchema)),
  scene: optional(object({ depth: count(), paused: optional(enumOf(["turn_budget", "hourly_cap", "scenes_off"])) })),
  read: optional(readSchema),
});

export const commentsPageSchema = object({
  comments: array(messageSchema),
  cursor: int(),
  hasMore: boolean(),
  rev: optional(int()),
  updated: optional(array(messageSchema)),
  /** Seqs of this page's range that could not be read (a damaged or missing archive segment). */
  gaps: optional(
    array(object({ fromSeq: int(positive()), toSeq: int(positive()), reason: enumOf(["corrupt", "missing"]) })),
  ),
});

export const statusResponseSchema = object({ comments: array(messageSchema) });

const entitySeenSchema = object({
  id: string(),
  lastPolledAt: int(),
  username: optional(string()),
  color: optional(string()),
});
export const entitiesResponseSchema = object({ entities: array(entitySeenSchema) });

/**
 * An error body as every client reads it (lib/client/core.ts): `code` optional because a proxy or
 * an older server may leave it out; `issues` is not read, as no caller shows them.
 */
export const apiErrorBodySchema = object({
  error: string(),
  code: optional(enumOf(Object.keys(ERROR_STATUS) as ErrorCode[])),
});

export const initialWindowSchema = object({ room: roomSchema, page: commentsPageSchema });

// ── the live protocol, server → client (types/live.ts) ─────────────────────────────────────

const draftSchema = object({
  messageId: messageIdSchema,
  entity: string(),
  username: string(),
  color: string(),
  text: string(),
  phase: optional(literal("thinking")),
  updatedAt: int(),
});

export const serverEventSchema = byType({
  hello: object({
    type: literal("hello"),
    head: count(),
    cursor: count(),
    drafts: withDefault(array(draftSchema), []),
    entities: withDefault(array(entitySeenSchema), []),
  }),
  messages: map(
    object(
      {
        type: literal("messages"),
        messages: array(messageSchema),
        cursor: optional(count()),
        hasMore: withDefault(boolean(), false),
      },
      (e) => (e.cursor !== undefined || e.messages.length > 0 ? null : "cursor is required when messages is empty"),
    ),
    // Left out when it is the last message's seq (types/live.ts).
    (e) => ({ ...e, cursor: e.cursor ?? (e.messages.at(-1)?.seq as number) }),
  ),
  queue: object({
    type: literal("queue"),
    changes: array(
      object({
        id: messageIdSchema,
        entity: optional(storedEntityIdSchema),
        seq: int(positive()),
        status: queueStatusSchema,
        attempts: count(),
        error: nullable(string()),
        leaseExpiresAt: nullable(int()),
      }),
    ),
  }),
  presence: object({ type: literal("presence"), entities: array(entitySeenSchema) }),
  draft: object({ type: literal("draft"), draft: draftSchema }),
  "draft-gone": object({
    type: literal("draft-gone"),
    messageId: messageIdSchema,
    reason: enumOf(["complete", "failed", "released", "expired", "removed"]),
  }),
  updated: object({ type: literal("updated"), messages: array(messageSchema), rev: optional(count()) }),
  activity: object({
    type: literal("activity"),
    here: count(),
    typing: array(object({ username: string(), color: string() }), maxLength(LIVE.typingNamesMax)),
    typingCount: count(),
  }),
  lines: object({
    type: literal("lines"),
    lines: array(
      object({
        entity: storedEntityIdSchema,
        pending: count(),
        processing: count(),
        next: array(messageIdSchema, maxLength(LIVE.lineMax)),
      }),
    ),
  }),
  error: object({ type: literal("error"), code: string(), message: string() }),
  pong: object({ type: literal("pong") }),
});

export type WireServerEvent = Infer<typeof serverEventSchema>;
