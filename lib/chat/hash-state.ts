import type { Channel, UserFilter } from "../../types";
import { isEntityId, LIMITS } from "../../types/constants";
import { aiUsernameSchema, colorSchema, type UsernameSchema, usernameSchema } from "../shared/wire";
import { formatRange, MAX_SEQ_RANGES, normalizeRanges, parseRange, type SeqRange } from "./seq-filter";

/**
 * F7: the URL hash is the conversation's state, so a conversation is a bookmark.
 *
 *   #u=Alice:200100050+Bob:100200050&word=hello&-word=spam&filteractive=true&mt=ALL
 *    &uis=Me:050100200&ais=Echo:random&entity=echo&priority=10&model=m&nom=20&seq=140-155+160
 *
 * Lists are `+`-separated; every item is percent-encoded, so names with `+`, `&`, `=`, `#`, `%`
 * or spaces survive the trip. A user is `name:color` with the color after the LAST `:`, so a
 * name may itself contain `:`. Anything unknown or malformed is dropped, never thrown.
 */

export type { Channel };

export interface Identity {
  username: string;
  color: string;
}

export interface HashState {
  /** `u`: user filters (username, color), OR'd. */
  users: UserFilter[];
  /** `word`: words every shown message must contain. */
  words: string[];
  /** `-word`: words that hide a message. */
  negativeWords: string[];
  /** `filteractive`: whether the chips apply (they are kept either way). */
  filterActive: boolean;
  /** `mt`: which message types are shown. */
  channel: Channel;
  /**
   * `seq`: only these message seqs (E9, what an entity read), as sorted inclusive ranges
   * `first-last` or single seqs; a chip like the others, applied while the filters are on.
   */
  seqs?: SeqRange[];
  /** `uis`: sets my identity; the color may be `random`. */
  me?: { username: string; color: string | "random" };
  /** `ais`: the identity the entity replies as (`name:color` or `name:random`). */
  ais?: string;
  /** `entity`: messages I send are addressed to this entity. */
  entity?: string;
  /** `priority`: 0-99, lower is more urgent. */
  priority?: number;
  /** `model`: a model override for the entity. */
  model?: string;
  /** `nom`: how many earlier messages to send as context. */
  contextSize?: number;
}

export const EMPTY_HASH_STATE: HashState = {
  users: [],
  words: [],
  negativeWords: [],
  filterActive: true,
  channel: "ALL",
};

const MAX_LIST_ITEMS = 50;
const MAX_WORD_LENGTH = 64;

export function parseHash(hash: string): HashState {
  const state: HashState = { ...EMPTY_HASH_STATE, users: [], words: [], negativeWords: [] };
  const body = hash.startsWith("#") ? hash.slice(1) : hash;
  if (!body) return state;

  for (const pair of body.split("&")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    const key = safeDecode(pair.slice(0, eq));
    const items = splitList(pair.slice(eq + 1));
    const single = items.length === 1 ? items[0] : undefined;
    switch (key) {
      case "u":
        for (const item of items) {
          const user = parseUser(item);
          if (user && !state.users.some((u) => sameUser(u, user))) state.users.push(user);
        }
        break;
      case "word":
        addWords(state.words, items);
        break;
      case "-word":
        addWords(state.negativeWords, items);
        break;
      case "filteractive":
        if (single === "true" || single === "false") state.filterActive = single === "true";
        break;
      case "seq": {
        // Its own list: a read record may name up to 200 seqs, more than other lists keep.
        const ranges = pair
          .slice(eq + 1)
          .split("+")
          .slice(0, MAX_SEQ_RANGES)
          .map((item) => parseRange(safeDecode(item) ?? ""))
          .filter((r): r is SeqRange => r !== null);
        if (ranges.length) state.seqs = normalizeRanges(ranges);
        break;
      }
      case "mt":
        if (single === "human" || single === "AI" || single === "ALL") state.channel = single;
        break;
      case "uis": {
        const me = single === undefined ? null : parseIdentity(single, true);
        if (me) state.me = me;
        break;
      }
      case "ais":
        // The identity an entity replies as: entity names may be longer than a person's.
        if (single !== undefined && parseIdentity(single, true, aiUsernameSchema)) state.ais = single;
        break;
      case "entity":
        // The wire's one rule for entity ids: a hash the API would refuse addresses nobody.
        if (single !== undefined && isEntityId(single)) state.entity = single;
        break;
      case "priority": {
        const n = single === undefined ? Number.NaN : parseStrictInt(single);
        if (n >= 0 && n <= LIMITS.priorityMax) state.priority = n;
        break;
      }
      case "model":
        if (single !== undefined && single.length > 0 && single.length <= 128) state.model = single;
        break;
      case "nom": {
        const n = single === undefined ? Number.NaN : parseStrictInt(single);
        if (n >= 0 && n <= LIMITS.contextMax) state.contextSize = n;
        break;
      }
      default:
        break;
    }
  }
  return state;
}

export function formatHash(state: HashState): string {
  const parts: string[] = [];
  const list = (key: string, values: string[]) => {
    if (values.length) parts.push(`${key}=${values.map(encodeItem).join("+")}`);
  };
  list(
    "u",
    state.users.map((u) => `${u.username}:${u.color}`),
  );
  list("word", state.words);
  list("-word", state.negativeWords);
  if (state.seqs?.length) parts.push(`seq=${state.seqs.map(formatRange).join("+")}`);
  const hasChips = state.users.length + state.words.length + state.negativeWords.length + (state.seqs?.length ?? 0) > 0;
  if (hasChips || !state.filterActive) parts.push(`filteractive=${state.filterActive}`);
  if (state.channel !== "ALL") parts.push(`mt=${state.channel}`);
  if (state.me) parts.push(`uis=${encodeItem(`${state.me.username}:${state.me.color}`)}`);
  if (state.ais) parts.push(`ais=${encodeItem(state.ais)}`);
  if (state.entity) parts.push(`entity=${encodeItem(state.entity)}`);
  if (state.priority !== undefined) parts.push(`priority=${state.priority}`);
  if (state.model) parts.push(`model=${encodeItem(state.model)}`);
  if (state.contextSize !== undefined) parts.push(`nom=${state.contextSize}`);
  return parts.length ? `#${parts.join("&")}` : "";
}

export function sameUser(a: UserFilter, b: UserFilter): boolean {
  return a.username === b.username && a.color === b.color;
}

/**
 * `name:color` → a user filter, or null when either half is invalid. A conversation may name an
 * entity, whose name may be up to the AI limit (32), so filters accept that length.
 */
export function parseUser(item: string): UserFilter | null {
  const at = item.lastIndexOf(":");
  if (at <= 0) return null;
  const username = item.slice(0, at);
  const color = item.slice(at + 1);
  if (!aiUsernameSchema.safeParse(username).success || !colorSchema.safeParse(color).success) return null;
  return { username, color };
}

/** `name:color`, or `name:random` when `allowRandom`. */
export function parseIdentity(
  item: string,
  allowRandom: boolean,
  names: UsernameSchema = usernameSchema,
): { username: string; color: string } | null {
  const at = item.lastIndexOf(":");
  if (at <= 0) return null;
  const username = item.slice(0, at);
  const color = item.slice(at + 1);
  if (!names.safeParse(username).success) return null;
  if (allowRandom && color === "random") return { username, color };
  return colorSchema.safeParse(color).success ? { username, color } : null;
}

/** `encodeURIComponent` keeps `:` readable in links; everything that could split a list is encoded. */
function encodeItem(value: string): string {
  return encodeURIComponent(value).replace(/%3A/gi, ":");
}

function splitList(raw: string): string[] {
  return raw
    .split("+")
    .map(safeDecode)
    .filter((item): item is string => item !== null && item.length > 0)
    .slice(0, MAX_LIST_ITEMS);
}

function safeDecode(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

function addWords(target: string[], items: string[]) {
  for (const item of items) {
    const word = item.trim();
    if (!word || word.length > MAX_WORD_LENGTH || /\s/.test(word)) continue;
    if (!target.some((w) => w.toLowerCase() === word.toLowerCase())) target.push(word);
  }
}

function parseStrictInt(raw: string): number {
  return /^\d{1,3}$/.test(raw) ? Number(raw) : Number.NaN;
}
