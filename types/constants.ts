/**
 * The wire's plain constants, apart from its zod schemas: the browser imports these without
 * loading zod and the whole schema index (lib/shared/wire.ts holds its own small schemas). Every module
 * of types/ that used to define one re-exports it, so `import { LIMITS } from "../types"` works
 * as before.
 */

/** Limits shared by every side of the wire. */
export const LIMITS = {
  idMax: 64,
  textMax: 1000,
  /** What the composer lets a person type; the API accepts up to textMax (bots write longer). */
  composerMax: 240,
  /** A person's name. */
  usernameMax: 16,
  /**
   * An entity's name (AI messages, posted with the bot token): real entity names are longer than
   * people's, e.g. the predecessor's `EmotionalIntelligence` (21).
   */
  aiUsernameMax: 32,
  /** Context lines kept per message; a client that sends more has the oldest dropped (advisory). */
  contextMax: 200,
  contextLineMax: 2000,
  pageDefault: 200,
  pageMax: 500,
  bodyMaxBytes: 64 * 1024,
  priorityDefault: 50,
  priorityMax: 99,
} as const;

/**
 * Entities as participants (E7 mentions, E8 scenes, E9 context scope). The room resolves mentions
 * when it stores a message; a client's claim is never trusted.
 */
export const SCENES = {
  /** Entities one message may address; further mentions are shown but address nobody. */
  maxAddressed: 3,
  /** AI-triggered turns after a human message, unless the room sets its own (0 turns scenes off). */
  turnBudgetDefault: 4,
  turnBudgetMax: 20,
  /** AI-triggered turns a room allows per hour, unless it sets its own. */
  hourlyCapDefault: 60,
  hourlyCapMax: 1000,
} as const;

/** The room a request names when it names none. */
export const DEFAULT_ROOM = "global";

/** C9/E5: an entity is served when a bot asked for its work within this long. */
export const PRESENCE = { servedWithinMs: 60_000 } as const;

/** The live protocol (types/live.ts) in numbers. */
export const LIVE = {
  /** A client frame larger than this closes the socket (4413). */
  maxClientFrameBytes: 16 * 1024,
  /** Sustained client frames per second before the socket is closed (4429); bursts up to `burst`. */
  framesPerSecond: 10,
  burst: 30,
  /** Catch-up is sent in pages of this many messages, at most `catchUpPages` per resume. */
  catchUpPage: LIMITS.pageDefault,
  catchUpPages: 10,
  /**
   * Rows one socket's catch-ups may re-read: a bucket of `resumeRowsBurst` (two full bounded
   * catch-ups), refilled at `resumeRowsPerMinute`. A reconnect spends only the gap it missed, so a
   * client within two catch-ups of the head never meets it; past it, `resume` is answered with the
   * error `resume_budget` (LIVE_ERROR) and the page reloads its window over HTTP instead.
   */
  resumeRowsBurst: LIMITS.pageDefault * 10 * 2,
  resumeRowsPerMinute: LIMITS.pageDefault * 10,
  /** Keep-alive: the room answers this exact text without waking (setWebSocketAutoResponse). */
  ping: '{"type":"ping"}',
  pong: '{"type":"pong"}',
  /** Most user pairs one socket may filter by (they live in the socket's 2 KB attachment). */
  maxFilterUsers: 10,
  /** Open sockets one client address may hold in one room (more are closed with 4408). */
  maxSocketsPerAddress: 8,
  /**
   * Presence. A composer sends `typing` at most once per `typingRefreshMs` while its person keeps
   * typing; the room forgets a typist `typingExpiryMs` after their last frame. The room sends
   * `activity` (viewer count and typists) at most once per `activityIntervalMs`, naming at most
   * `typingNamesMax` typists (the rest are a count).
   */
  typingRefreshMs: 3_000,
  typingExpiryMs: 5_000,
  activityIntervalMs: 2_000,
  typingNamesMax: 3,
  /** The waiting messages per entity whose order a `lines` frame carries (a place in line). */
  lineMax: 20,
} as const;

/** Close codes the room uses; each close carries a reason a person can read. */
export const LIVE_CLOSE = {
  /** The frame was not JSON, or not a frame this protocol knows. */
  invalidFrame: 4400,
  /** The frame was larger than LIVE.maxClientFrameBytes. */
  frameTooLarge: 4413,
  /** The client sent frames faster than LIVE.framesPerSecond. */
  flooding: 4429,
  /** This client address already holds LIVE.maxSocketsPerAddress sockets in this room. */
  tooManySockets: 4408,
} as const;

/**
 * Codes of the `error` event (the socket stays open). Each asks the page to reload its window over
 * HTTP and resubscribe: `cursor_ahead` (the cursor is past the head), `cursor_archived` (it is
 * older than the hot window), `resume_budget` (this socket re-read more rows than
 * LIVE.resumeRowsBurst allows lately: slow down, or load the history over HTTP).
 */
export const LIVE_ERROR = {
  cursorAhead: "cursor_ahead",
  cursorArchived: "cursor_archived",
  resumeBudget: "resume_budget",
} as const;

/** The chat page's embedded recent window (types/page.ts). */
export const INITIAL_WINDOW_ELEMENT_ID = "sww-initial";
/** The static rows of that window, painted before any script runs; the app removes them. */
export const FIRST_PAINT_ELEMENT_ID = "sww-first-paint";

/**
 * Every error the API answers carries one of these codes; this table is the only place that
 * maps a code to its HTTP status. Clients branch on `code`, never on the status number.
 */
export const ERROR_STATUS = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  /** A moderator muted this client address or identity (the message says until when). */
  muted: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  /** The lease named is not (or no longer) the current one: the caller's work is discarded. */
  lease_lost: 409,
  /** The addressed message already has its one reply. */
  already_answered: 409,
  too_large: 413,
  /** `/api/live` was asked for without `Upgrade: websocket`. */
  upgrade_required: 426,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  /** Misconfigured or a dependency is down (R2, no tokens set); retry later. */
  unavailable: 503,
} as const;

/**
 * Names that every JavaScript object already has: an id spelled like one of them, used as a key,
 * would reach Object.prototype (`__proto__`) or be mistaken for what every object inherits.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** An entity id's characters: they travel in URL hashes (`entity=`), queue filters and log lines. */
export const ENTITY_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** Whether a string (a URL hash's `entity=`, say) is a valid entity id. */
export function isEntityId(id: string): boolean {
  return ENTITY_ID_PATTERN.test(id) && !RESERVED_KEYS.has(id);
}
