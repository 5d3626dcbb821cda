import { ERROR_STATUS, type ErrorCode, type ErrorStatus } from "../types";

/** An error with a code from the one table (types/errors.ts); the router turns it into `{error, code, issues?}`. */
export class HttpError extends Error {
  readonly status: ErrorStatus;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: unknown[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "HttpError";
    this.status = ERROR_STATUS[code];
  }
}

/**
 * What a Room method returns across the RPC boundary. Error classes do not survive RPC, so
 * domain failures travel as values (a code, never a status) and become HttpError in the Worker.
 */
export type RoomResult<T> =
  | { ok: true; value: T; status?: 200 | 201 | 204; usage: StorageUsage }
  | { ok: false; code: ErrorCode; error: string; retryAfter?: number; usage: StorageUsage };

export interface StorageUsage {
  rowsRead: number;
  rowsWritten: number;
  /** KV writes the call made (the snapshot writer's, counted where it writes); absent where none can happen. */
  kvWrites?: number;
}

/** A domain failure inside the Room; caught at the RPC edge and returned as a value. */
export class RoomError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = "RoomError";
  }
}
