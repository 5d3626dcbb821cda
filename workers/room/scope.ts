import { ALL_ENTITIES, type EntityScope, type MessageInput, scopeCovers } from "../../types";
import { RoomError } from "../errors";
import type { Messages } from "./messages";

/**
 * The Room's half of scoped bot tokens (O7): the Worker knows the caller's entities, only
 * the Room knows which entity a message belongs to, so the check happens here, in the same unit
 * of work as the change it guards. A message's entity never changes, so there is no race.
 */
export function assertMessageInScope(scope: EntityScope, messages: Messages, messageId: string, doing: string): void {
  if (scope === ALL_ENTITIES) return;
  const row = messages.byId(messageId);
  // An unknown id is left to the operation itself (404), so a scoped bot learns nothing more.
  if (!row) return;
  // A message with several jobs (E7) is in scope when any of its entities is.
  const entities = row.jobs !== null ? (JSON.parse(row.jobs) as { entity: string }[]).map((j) => j.entity) : [];
  if (!scopeCovers(scope, row.entity) && !entities.some((entity) => scopeCovers(scope, entity))) {
    throw new RoomError(
      "forbidden",
      row.entity === null
        ? `this token may not ${doing} "${messageId}": it is not addressed to an entity`
        : `this token may not ${doing} messages for entity "${row.entity}"`,
    );
  }
}

/**
 * A scoped token speaks only as the answer to a message addressed to one of its entities. An AI
 * post without `replyTo` names no entity the Room could check, so only an all-entity token may
 * make one (decision recorded in docs/ARCHITECTURE.md).
 */
export function assertPostInScope(scope: EntityScope, messages: Messages, input: MessageInput): void {
  if (scope === ALL_ENTITIES) return;
  if (input.replyTo) {
    assertMessageInScope(scope, messages, input.replyTo, "reply to");
    return;
  }
  if (input["message-type"] === "AI") {
    throw new RoomError("forbidden", "a token limited to some entities may post an AI message only as a replyTo");
  }
}
