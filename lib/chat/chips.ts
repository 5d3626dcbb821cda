import type { Message } from "../../types";
import { containsWord } from "./filters";
import type { HashState } from "./hash-state";
import { formatRange, rangesLabel, type SeqRange } from "./seq-filter";

/** A filter chip as the filter bar shows it; `key` names it in sound settings and unread marks. */
export type Chip =
  | { kind: "user"; key: string; username: string; color: string }
  | { kind: "word"; key: string; word: string }
  | { kind: "negative"; key: string; word: string }
  /** E9: only these seqs (what an entity read); no sound, it names no future message. */
  | { kind: "seqs"; key: string; ranges: SeqRange[]; label: string };

export function chipsOf(state: Pick<HashState, "users" | "words" | "negativeWords" | "seqs">): Chip[] {
  const seqs = state.seqs?.length
    ? [
        {
          kind: "seqs",
          key: `seq:${state.seqs.map(formatRange).join("+")}`,
          ranges: state.seqs,
          label: rangesLabel(state.seqs),
        } as const,
      ]
    : [];
  return [
    ...seqs,
    ...state.users.map((u): Chip => ({ kind: "user", key: `u:${u.username}:${u.color}`, ...u })),
    ...state.words.map((word): Chip => ({ kind: "word", key: `w:${word.toLowerCase()}`, word })),
    ...state.negativeWords.map((word): Chip => ({ kind: "negative", key: `-w:${word.toLowerCase()}`, word })),
  ];
}

/** N1: the chips a new message matches (negative chips never notify). */
export function chipsMatching(message: Message, chips: readonly Chip[]): Chip[] {
  return chips.filter((chip) => {
    if (chip.kind === "user") return chip.username === message.username && chip.color === message.color;
    if (chip.kind === "word") return containsWord(message.text, chip.word);
    return false;
  });
}
