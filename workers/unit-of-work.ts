import { RoomError, type RoomResult, type StorageUsage } from "./errors";
import { usageSince } from "./room/db";

/** What one unit of work answers: its value, and the status where it is not the route's default. */
export interface Outcome<T> {
  value: T;
  status?: 200 | 201 | 204;
}

interface Hooks {
  /** Storage work so far (monotonic); a call's usage is the difference across it. */
  measure: () => StorageUsage;
  /** Runs before each call is measured (the Room closes a finished minute of its series here). */
  begin?: () => void;
}

/**
 * One call into a Durable Object (Room, Credentials): measures the storage work it did, which
 * every response reports, and turns a RoomError into a value, since error classes do not survive
 * RPC (see RoomResult). Anything else is a bug and is rethrown.
 */
export class UnitOfWork {
  constructor(private readonly hooks: Hooks) {}

  run<T>(fn: () => Outcome<T>): RoomResult<T> {
    const before = this.begin();
    try {
      const { value, status } = fn();
      return { ok: true, value, status, usage: usageSince(before, this.hooks.measure()) };
    } catch (error) {
      return this.failed(error, before);
    }
  }

  /** {@link run} for work that may await (the Room's archive in R2); the hot-only path inside stays synchronous. */
  async runAsync<T>(fn: () => Outcome<T | Promise<T>> | Promise<Outcome<T>>): Promise<RoomResult<T>> {
    const before = this.begin();
    try {
      const { value, status } = await fn();
      return { ok: true, value: await value, status, usage: usageSince(before, this.hooks.measure()) };
    } catch (error) {
      return this.failed(error, before);
    }
  }

  private begin(): StorageUsage {
    this.hooks.begin?.();
    return this.hooks.measure();
  }

  private failed(error: unknown, before: StorageUsage): RoomResult<never> {
    const usage = usageSince(before, this.hooks.measure());
    if (error instanceof RoomError) {
      return { ok: false, code: error.code, error: error.message, retryAfter: error.retryAfter, usage };
    }
    throw error;
  }
}
