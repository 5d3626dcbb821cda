/** An error with an HTTP status that the router turns into `{error, issues?}`. */
export class HttpError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 429 | 500 | 503,
    message: string,
    readonly issues?: unknown[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/**
 * What a Room method returns across the RPC boundary. Error classes do not survive RPC, so
 * domain failures travel as values and are rethrown as HttpError on the Worker side.
 */
export type RoomResult<T> =
  | { ok: true; value: T; status?: 200 | 201 | 204; usage: StorageUsage }
  | { ok: false; status: 400 | 404 | 409 | 429; error: string; retryAfter?: number; usage: StorageUsage };

export interface StorageUsage {
  rowsRead: number;
  rowsWritten: number;
}

/** A domain failure inside the Room; caught at the RPC edge and returned as a value. */
export class RoomError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 429,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = "RoomError";
  }
}
