import type { MuteRequestTarget, MuteTarget } from "../../types";
import { RoomError } from "../errors";

/** How many recent anonymous posts the room remembers the address of. */
const REMEMBERED_POSTS = 20_000;

/**
 * Which client address posted each recent anonymous message, so an operator can mute "whoever
 * posted this" without reading logs. Kept in memory only, for the last REMEMBERED_POSTS posts:
 * writing it to SQLite would cost two billed rows on every message (the row and its time index)
 * for a tool operators reach for rarely and about recent messages. After the room restarts the
 * operator mutes by identity, or by address from the logs. Never returned by any public route.
 */
export class PostAddresses {
  private readonly byId = new Map<string, string>();

  record(messageId: string, address: string): void {
    this.byId.delete(messageId);
    this.byId.set(messageId, address);
    if (this.byId.size > REMEMBERED_POSTS) {
      const oldest = this.byId.keys().next().value;
      if (oldest !== undefined) this.byId.delete(oldest);
    }
  }

  /** Turns `{messageId}` into the address that posted it; other targets pass through. */
  resolve(target: MuteRequestTarget): MuteTarget {
    if (!("messageId" in target)) return target;
    const address = this.byId.get(target.messageId);
    if (!address) {
      throw new RoomError(
        "not_found",
        `No address is known for message "${target.messageId}": it was posted with a token, is not among the room's recent posts since it last started, or does not exist. Mute the identity instead.`,
      );
    }
    return { address };
  }
}
