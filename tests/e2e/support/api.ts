import type { APIRequestContext } from "@playwright/test";
import type { Message, MessageInput } from "../../../types";

/** The bot token from .dev.vars(.example): needed to post as an entity. */
export const BOT_TOKEN = "dev-bot-token";

let counter = 0;
/** Ids unique across test runs that share one Worker state. */
export function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** A room of its own per test, so tests never see each other's messages. */
export function uniqueRoom(prefix: string): string {
  return uniqueId(prefix)
    .replace(/[^A-Za-z0-9_-]/g, "-")
    .slice(0, 60);
}

export async function postHuman(
  request: APIRequestContext,
  room: string,
  input: Omit<MessageInput, "id"> & { id?: string },
): Promise<Message> {
  const response = await request.post(`/api/comments?room=${room}`, {
    data: { "message-type": "human", domain: "127.0.0.1", ...input, id: input.id ?? uniqueId("h") },
    // Seeding is not what the rate limit protects; the bot token is exempt from it.
    headers: { Authorization: `Bearer ${BOT_TOKEN}` },
  });
  if (!response.ok()) throw new Error(`seed post failed: ${response.status()} ${await response.text()}`);
  return (await response.json()) as Message;
}

/** An entity's reply, posted the documented way (bot token, `replyTo`), which also completes it. */
export async function postReply(
  request: APIRequestContext,
  room: string,
  replyTo: string,
  reply: { text: string; username: string; color: string },
): Promise<Message> {
  const response = await request.post(`/api/comments?room=${room}`, {
    data: { id: uniqueId("ai"), "message-type": "AI", domain: "127.0.0.1", replyTo, ...reply },
    headers: { Authorization: `Bearer ${BOT_TOKEN}` },
  });
  if (!response.ok()) throw new Error(`seed reply failed: ${response.status()} ${await response.text()}`);
  return (await response.json()) as Message;
}

export async function roomMessages(request: APIRequestContext, room: string): Promise<Message[]> {
  const response = await request.get(`/api/comments?room=${room}&limit=500`);
  return ((await response.json()) as { comments: Message[] }).comments;
}
