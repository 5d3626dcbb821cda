import type { ContextQuery, Message } from "../../types";
import { RoomError } from "../errors";
import type { Messages } from "./messages";
import type { Pollers } from "./pollers";
import { toMessage } from "./rows";

/**
 * The history an entity's `scope` names for the prompt of one job (E9), each read indexed and
 * bounded by `limit`: the reply chain (one primary-key read per step), the room's last messages
 * (one range on seq), or the conversation of two identities (the per-user index). Hot rows only:
 * a prompt wants the recent past, which is never archived while its thread is open.
 */
export function readContext(messages: Messages, pollers: Pollers, q: ContextQuery): Message[] {
  const row = messages.byId(q.messageId);
  if (!row) throw new RoomError("not_found", `No message with id "${q.messageId}"`);
  const all = { type: "ALL" as const, users: [] };
  switch (q.scope) {
    case "room":
      return messages
        .range(all, { above: null, below: row.seq + 1, order: "DESC", limit: q.limit })
        .reverse()
        .map(toMessage);
    case "thread": {
      const chain = [row];
      let at = row;
      // Up the replyTo links to the human message that started the chain (it is included).
      while (chain.length < q.limit && at.type === "AI" && at.reply_to !== null) {
        const parent = messages.byId(at.reply_to);
        if (!parent) break;
        chain.push(parent);
        at = parent;
      }
      return chain.reverse().map(toMessage);
    }
    case "conversation": {
      const entity = q.entity ?? row.entity;
      const profile = entity ? pollers.entities().find((e) => e.id === entity) : undefined;
      const users = [{ username: row.username, color: row.color }];
      if (profile?.username && profile.color) users.push({ username: profile.username, color: profile.color });
      return messages
        .range({ type: "ALL", users }, { above: null, below: row.seq + 1, order: "DESC", limit: q.limit })
        .reverse()
        .map(toMessage);
    }
  }
}
