import { type MuteRequestTarget, type MuteTarget, POST_ADDRESS_KEEP_MS } from "../../types";
import { RoomError } from "../errors";
import type { Db } from "./db";

/**
 * Which client address posted each recent anonymous message, so an operator can mute "whoever
 * posted this" without reading logs. Kept a week, never returned by any public route.
 */
export class PostAddresses {
  constructor(private readonly db: Db) {}

  record(seq: number, address: string, now: number): void {
    this.db.run("INSERT OR REPLACE INTO post_addresses (seq, address, at) VALUES (?, ?, ?)", seq, address, now);
  }

  /** Turns `{messageId}` into the address that posted it; other targets pass through. */
  resolve(target: MuteRequestTarget): MuteTarget {
    if (!("messageId" in target)) return target;
    const row = this.db.one<{ address: string }>(
      "SELECT p.address FROM messages m JOIN post_addresses p ON p.seq = m.seq WHERE m.id = ?",
      target.messageId,
    );
    if (!row) {
      throw new RoomError(
        "not_found",
        `No address is known for message "${target.messageId}": it was posted with a token, more than a week ago, or does not exist`,
      );
    }
    return { address: row.address };
  }

  purge(now: number): void {
    this.db.run("DELETE FROM post_addresses WHERE at <= ?", now - POST_ADDRESS_KEEP_MS);
  }
}
