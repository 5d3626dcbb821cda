/**
 * Mentions (E7): `@id` or `@Username` of an entity the room knows, matched case-insensitively on a
 * word boundary. Pure and in memory: the room learns its entities from the bots' claim-next
 * `profiles`/`entities` (room/pollers.ts), so resolving a text costs no row read, and a text with
 * no `@` costs nothing at all.
 */

export interface KnownEntity {
  id: string;
  username?: string;
  color?: string;
}

/** `@` not preceded by a letter, digit, `_` or another `@` (so `mail@sage` is no mention). */
const MENTION = /(?<![\p{L}\p{N}_@])@([^\s@]+)/gu;
/** Punctuation a sentence puts after a name: `@Sage,` `@wren!` `(@quill)`. */
const TRAILING = /[^\p{L}\p{N}_]+$/u;

/** The entities a room knows, by lower-cased id and by lower-cased display name. */
export class KnownEntities {
  private readonly ids = new Map<string, KnownEntity>();
  private readonly names = new Map<string, KnownEntity>();

  get size(): number {
    return this.ids.size;
  }

  learn(entity: KnownEntity): void {
    const known = this.ids.get(entity.id.toLowerCase());
    if (known && known.username === entity.username && known.color === entity.color) return;
    if (known?.username && known.username !== entity.username) this.names.delete(known.username.toLowerCase());
    const merged: KnownEntity = {
      id: entity.id,
      ...((entity.username ?? known?.username) !== undefined ? { username: entity.username ?? known?.username } : {}),
      ...((entity.color ?? known?.color) !== undefined ? { color: entity.color ?? known?.color } : {}),
    };
    this.ids.set(entity.id.toLowerCase(), merged);
    if (merged.username) this.names.set(merged.username.toLowerCase(), merged);
  }

  /** An id wins over a display name that happens to spell another entity's id. */
  find(name: string): KnownEntity | undefined {
    const key = name.toLowerCase();
    return this.ids.get(key) ?? this.names.get(key);
  }

  byId(id: string): KnownEntity | undefined {
    return this.ids.get(id.toLowerCase());
  }
}

/** The distinct known entities `text` mentions, in the order they first appear. */
export function findMentions(text: string, known: KnownEntities): KnownEntity[] {
  if (known.size === 0 || !text.includes("@")) return [];
  const found = new Map<string, KnownEntity>();
  for (const match of text.matchAll(MENTION)) {
    const token = match[1] ?? "";
    const entity = known.find(token) ?? known.find(token.replace(TRAILING, ""));
    if (entity && !found.has(entity.id)) found.set(entity.id, entity);
  }
  return [...found.values()];
}
