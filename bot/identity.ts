import { aiUsernameSchema, colorSchema } from "../types/message.ts";

/** Who a message is from: there are no accounts, a (username, color) pair is the identity. */
export interface Identity {
  username: string;
  color: string;
}

/**
 * The identity a reply is posted as: the entity's own, or the message's `ais` (`name:color`, or
 * `name:random`). A malformed `ais` falls back to the entity rather than failing the message, since
 * the person asked for an answer and only the costume is wrong.
 */
export function replyIdentity(entity: Identity & { id: string }, ais: string | undefined, asker: Identity): Identity {
  if (!ais) return { username: entity.username, color: entity.color };
  const at = ais.lastIndexOf(":");
  const colorPart = at < 0 ? "" : ais.slice(at + 1);
  // The parsed (NFC) form: the name the server will store, and so the one the color derives from.
  const parsedName = aiUsernameSchema.safeParse(at < 0 ? ais : ais.slice(0, at));
  if (!parsedName.success) return { username: entity.username, color: entity.color };
  const name = parsedName.data;
  if (colorPart === "random") {
    return { username: name, color: conversationColor(`${asker.username}:${asker.color}|${entity.id}|${name}`) };
  }
  return { username: name, color: colorSchema.safeParse(colorPart).success ? colorPart : entity.color };
}

/**
 * A "random" color that stays the same for the whole conversation: derived from the conversation's
 * key, so every bot process (and every restart) picks the same one without sharing any state, and
 * the conversation's history can be fetched by that (username, color) pair.
 */
export function conversationColor(key: string): string {
  const hash = fnv1a(key);
  const hue = hash % 360;
  const [r, g, b] = hslToRgb(hue, 0.65, 0.62);
  return [r, g, b].map((c) => String(c).padStart(3, "0")).join("");
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

function hslToRgb(hue: number, saturation: number, lightness: number): [number, number, number] {
  const chroma = (1 - Math.abs(2 * lightness - 1)) * saturation;
  const x = chroma * (1 - Math.abs(((hue / 60) % 2) - 1));
  const m = lightness - chroma / 2;
  const sectors: [number, number, number][] = [
    [chroma, x, 0],
    [x, chroma, 0],
    [0, chroma, x],
    [0, x, chroma],
    [x, 0, chroma],
    [chroma, 0, x],
  ];
  const [r, g, b] = sectors[Math.floor(hue / 60) % 6] ?? [chroma, 0, x];
  const channel = (c: number) => Math.round((c + m) * 255);
  return [channel(r), channel(g), channel(b)];
}
