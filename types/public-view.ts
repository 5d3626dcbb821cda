import type { Message } from "./message.ts";
import { MODERATION } from "./moderation.ts";

/**
 * What anyone may read about a message's queue state. The bot that holds a lease names itself
 * (`claimedBy`: a host name and a process id) and a raw failure can carry internal addresses, so
 * those go only to admin and bot callers; everyone else gets `claimedBy: null` (the field stays,
 * so older clients still parse) and one of a fixed list of failure reasons.
 */

/** The reasons a public reader may see for a failed message: these and nothing else. */
export const PUBLIC_FAILURE_REASONS = {
  operator: "failed by an operator",
  /** A moderator removed the message (MODERATION.removedQueueError), which ends its turn in the queue. */
  removed: "removed by a moderator",
  modelDown: "the model server did not answer",
  empty: "the model returned an empty reply",
  tooLong: "the reply took too long",
  generic: "the entity could not answer",
} as const;

/** `the bot gave up after N attempts`: the one reason with a number in it. */
export function gaveUpReason(attempts: number): string {
  return `the bot gave up after ${attempts} attempts`;
}

/** How an operator's failure (POST /api/admin/fail) begins as stored, so it is told apart from a bot's. */
export const OPERATOR_FAILURE_PREFIX = PUBLIC_FAILURE_REASONS.operator;

/** The stored error of an operator's failure: `failed by an operator: <their reason>`. */
export function operatorFailure(reason: string): string {
  return reason.startsWith(OPERATOR_FAILURE_PREFIX) ? reason : `${OPERATOR_FAILURE_PREFIX}: ${reason}`;
}

/** Raw failures by what they say, first match wins (the bot's and the room's own wording). */
const RULES: readonly [RegExp, string][] = [
  [/empty reply/i, PUBLIC_FAILURE_REASONS.empty],
  [/lease expired|stopped responding|in time|timed? ?out/i, PUBLIC_FAILURE_REASONS.tooLong],
  [
    /cannot reach|unavailable|did not answer|refused|ECONN|ENOTFOUND|EAI_AGAIN|answered (408|429|5\d\d)/i,
    PUBLIC_FAILURE_REASONS.modelDown,
  ],
];

/**
 * The safe reason for a raw failure: never any of the raw text. `attempts` is the message's
 * attempt count; a failure that none of the rules names says how many attempts were spent.
 */
export function publicFailureReason(raw: string, attempts: number): string {
  if (raw.startsWith(OPERATOR_FAILURE_PREFIX)) return PUBLIC_FAILURE_REASONS.operator;
  if (raw === MODERATION.removedQueueError) return PUBLIC_FAILURE_REASONS.removed;
  for (const [pattern, reason] of RULES) if (pattern.test(raw)) return reason;
  return attempts > 1 ? gaveUpReason(attempts) : PUBLIC_FAILURE_REASONS.generic;
}

/** The message as a public reader gets it: no lease holder, no raw failure. */
export function publicMessage(m: Message): Message {
  const bp = m.botParams;
  const rawJobError = m.jobs?.some((job) => job.error !== null) ?? false;
  if ((!bp || (bp.claimedBy === null && bp.error === null)) && !rawJobError) return m;
  return {
    ...m,
    ...(bp && {
      botParams: {
        ...bp,
        claimedBy: null,
        error: bp.error === null ? null : publicFailureReason(bp.error, bp.attempts),
      },
    }),
    // Each job of a message that addressed several entities carries its own failure (E7).
    ...(m.jobs &&
      rawJobError && {
        jobs: m.jobs.map((job) =>
          job.error === null ? job : { ...job, error: publicFailureReason(job.error, job.attempts) },
        ),
      }),
  };
}
