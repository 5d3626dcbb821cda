import { LIMITS, type Message, type MessageInput } from "../../types";
import { RoomError } from "../errors";

/**
 * A post's `id` is an idempotency key that belongs to its content: a replay with the same content
 * is answered with the stored message (200), a different message under a taken id is 409 and
 * stores nothing. Otherwise whoever posted first with a guessed id would make the real sender see
 * success carrying someone else's text and name.
 *
 * The content is what the sender chose: `text` (after trimming, as the schema delivers it),
 * `username`, `color`, `message-type`, `replyTo`, and `botParams` entity, priority, model and
 * ais (each with the default the server fills in). Not compared: what the server owns or fills
 * in (`timestamp`, `domain`) and what a sender may legitimately rebuild between tries (`context`,
 * the lines on screen). A removed message's tombstone has no text, name or color left to compare,
 * so only what it keeps (type, thread, addressing) is: its replay answers with the tombstone.
 */
export function assertSameContent(input: MessageInput, stored: Message): void {
  const differs = contentDifference(input, stored);
  if (differs === null) return;
  throw new RoomError(
    "conflict",
    `id "${stored.id}" already names another message (its ${differs} differs): an id names exactly one message; send yours with a new id`,
  );
}

/** The first content field where the post and the stored message disagree, or null. */
export function contentDifference(input: MessageInput, stored: Message): string | null {
  if (!stored.removed) {
    if (input.text !== stored.text) return "text";
    if (input.username !== stored.username) return "username";
    if (input.color !== stored.color) return "color";
  }
  if ((input["message-type"] ?? "human") !== stored["message-type"]) return "message-type";
  if ((input.replyTo ?? null) !== (stored.replyTo ?? null)) return "replyTo";
  const asked = input.botParams;
  const held = stored.botParams;
  // A message that named no entity but mentioned one holds the first mention's botParams (E7):
  // the room derived them from the text, which is already the same, so a retry is the same post.
  if (!asked && held && stored.mentions?.some((m) => m.addressed && m.entity === held.entity)) return null;
  if (!asked || !held) return asked || held ? "botParams" : null;
  if (asked.entity !== held.entity) return "botParams.entity";
  if ((asked.priority ?? LIMITS.priorityDefault) !== held.priority) return "botParams.priority";
  if ((asked.model ?? null) !== (held.model ?? null)) return "botParams.model";
  if ((asked.ais ?? null) !== (held.ais ?? null)) return "botParams.ais";
  return null;
}
