import type { Message, ReadRecord } from "../types/message.ts";
import type { Identity } from "./identity.ts";
import { withoutThinking } from "./thinking.ts";

/** One chat turn as OpenAI-compatible servers take it. */
export interface ChatTurn {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface PromptInput {
  systemPrompt: string;
  /** How many conversation messages the prompt carries, the message being answered included. */
  contextMessages: number;
  /** The human message being answered. */
  message: Pick<Message, "seq" | "text" | "username" | "color" | "context">;
  /** The entity answering; people's messages addressed to another entity belong to that conversation. */
  entityId: string;
  /** Who the entity speaks as in this conversation (its turns become `assistant`). */
  speaker: Identity;
  /** Earlier messages of the asker and the speaker, in any order (ignored when `message.context` is set). */
  history: HistoryMessage[];
}

export type HistoryMessage = Pick<Message, "seq" | "text" | "username" | "color" | "message-type"> & {
  botParams?: { entity: string };
};

/**
 * The `messages` array for the LLM: the system prompt, then the conversation as alternating
 * user/assistant turns ending with the human's message. Chat templates of local models reject a
 * conversation that opens with the assistant or repeats a role, so neighbours of one role are joined
 * and a leading assistant turn is dropped.
 */
export function buildPrompt(input: PromptInput): ChatTurn[] {
  return promptAndRead(input).messages;
}

/** The prompt and what it read (E9: stored on the reply as `read`). */
export function promptAndRead(input: PromptInput): { messages: ChatTurn[]; read: ReadRecord } {
  const earlier = input.message.context
    ? turnsFromContext(input.message.context, input.message, input.speaker)
    : turnsFromHistory(input.history, input);
  const budget = Math.max(0, input.contextMessages - 1);
  const kept = budget === 0 ? [] : earlier.slice(-budget);
  const conversation = alternate([...kept, { role: "user", content: input.message.text }]);
  // Client context lines carry no seqs: only how many were read is known.
  const seqs = input.message.context ? null : [...kept.map((t) => t.seq ?? 0), input.message.seq];
  return {
    messages: [{ role: "system", content: input.systemPrompt }, ...conversation],
    read: readRecord("conversation", kept.length + 1, seqs),
  };
}

/**
 * A prompt from the history an entity's `thread` or `room` scope names (E9), oldest first and
 * ending with the message being answered: the speaker's own messages are the assistant's turns,
 * everyone else's are user turns that keep their name, so the model can tell the speakers apart.
 */
export function scopedPrompt(input: {
  systemPrompt: string;
  contextMessages: number;
  scope: "thread" | "room";
  speaker: Identity;
  message: Pick<Message, "seq" | "text" | "username" | "color">;
  history: HistoryMessage[];
}): { messages: ChatTurn[]; read: ReadRecord } {
  const earlier = input.history
    .filter((m) => m.seq < input.message.seq)
    .sort((a, b) => a.seq - b.seq)
    .slice(-Math.max(0, input.contextMessages - 1));
  const own = (m: Pick<Message, "username" | "color" | "message-type">) =>
    m["message-type"] === "AI" && sameIdentity(m, input.speaker);
  // Another entity's reply is read without its chain of thought too, like the speaker's own.
  const turns: Turn[] = earlier.map((m) =>
    own(m)
      ? assistantTurn(m.text)
      : { role: "user", content: `${m.username}: ${m["message-type"] === "AI" ? withoutThinking(m.text) : m.text}` },
  );
  turns.push({ role: "user", content: `${input.message.username}: ${input.message.text}` });
  return {
    messages: [{ role: "system", content: input.systemPrompt }, ...alternate(turns)],
    read: readRecord(input.scope, earlier.length + 1, [...earlier.map((m) => m.seq), input.message.seq]),
  };
}

function readRecord(scope: ReadRecord["scope"], count: number, seqs: number[] | null): ReadRecord {
  if (!seqs) return { scope, count };
  const valid = seqs.filter((s) => s > 0);
  if (valid.length <= 200) return { scope, count, seqs: valid };
  return { scope, count, first: Math.min(...valid), last: Math.max(...valid) };
}

type Turn = { role: "user" | "assistant"; content: string; seq?: number };

function turnsFromHistory(history: HistoryMessage[], input: PromptInput): Turn[] {
  const fromSpeaker = (m: HistoryMessage) => m["message-type"] === "AI" && sameIdentity(m, input.speaker);
  return history
    .filter((m) => m.seq < input.message.seq)
    .filter((m) => fromSpeaker(m) || !m.botParams || m.botParams.entity === input.entityId)
    .sort((a, b) => a.seq - b.seq)
    .map((m) =>
      fromSpeaker(m) ? { ...assistantTurn(m.text), seq: m.seq } : { role: "user", content: m.text, seq: m.seq },
    );
}

/**
 * `context` lines are `username: text` as a client chose to send them. The speaker's lines are the
 * assistant's; the asker's are plain user turns; anyone else keeps their name so the model can tell
 * people apart.
 */
function turnsFromContext(lines: string[], message: PromptInput["message"], speaker: Identity): Turn[] {
  const turns = lines.map((line): Turn => {
    const split = line.indexOf(": ");
    const name = split > 0 ? line.slice(0, split) : null;
    const text = split > 0 ? line.slice(split + 2) : line;
    if (name === speaker.username) return assistantTurn(text);
    if (name === message.username) return { role: "user", content: text };
    return { role: "user", content: line };
  });
  // Clients often end the context with the message itself; it is added once, as the last turn.
  const last = lines.at(-1);
  if (last !== undefined && last === `${message.username}: ${message.text}`) turns.pop();
  return turns;
}

/**
 * An earlier reply of the speaker, without any chain of thought: replies stored before thinking
 * was stripped may still hold one, and a model must not read its old reasoning as what it said.
 */
function assistantTurn(text: string): Turn {
  return { role: "assistant", content: withoutThinking(text) };
}

function alternate(turns: Turn[]): Turn[] {
  const merged: Turn[] = [];
  for (const turn of turns) {
    const previous = merged.at(-1);
    if (previous && previous.role === turn.role) previous.content = `${previous.content}\n${turn.content}`;
    else merged.push({ role: turn.role, content: turn.content });
  }
  while (merged[0]?.role === "assistant") merged.shift();
  return merged;
}

function sameIdentity(a: Identity, b: Identity): boolean {
  return a.username === b.username && a.color === b.color;
}
