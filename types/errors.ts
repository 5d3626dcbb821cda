import { z } from "zod";

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

export type ErrorCode = keyof typeof ERROR_STATUS;
export type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode];
const errorCodeSchema = z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]);

/** Every error body the API returns. */
export const apiErrorSchema = z.object({
  error: z.string(),
  code: errorCodeSchema,
  issues: z.array(z.unknown()).optional(),
});
