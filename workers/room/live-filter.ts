import type { LiveFilter, Message, UserFilter } from "../../types";

/** Who wrote a message, for deciding whether a reply to it belongs to a conversation. */
export type AuthorOf = (messageId: string) => UserFilter | undefined;

/**
 * Whether a socket with this filter shows a message: the channel must match, and with user pairs
 * the author must be one of them — or the message must answer one of theirs (an entity's reply
 * is by an author the conversation cannot name in advance). Same rule as the page's own view.
 */
export function shows(filter: LiveFilter, message: Message, authorOf: AuthorOf): boolean {
  if (filter.channel !== "ALL" && message["message-type"] !== filter.channel) return false;
  if (filter.users.length === 0) return true;
  if (isOneOf(filter.users, message)) return true;
  if (!message.replyTo) return false;
  const parent = authorOf(message.replyTo);
  return parent !== undefined && isOneOf(filter.users, parent);
}

function isOneOf(users: readonly UserFilter[], who: UserFilter): boolean {
  return users.some((u) => u.username === who.username && u.color === who.color);
}

/** A filter's identity: sockets that share it get the very same serialized frame. */
export function filterKey(filter: LiveFilter): string {
  if (filter.users.length === 0) return filter.channel;
  return `${filter.channel}|${filter.users.map((u) => `${u.username}:${u.color}`).join("+")}`;
}
