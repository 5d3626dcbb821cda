/**
 * A model's chain of thought is never text anyone sees: not in a draft, not in the stored reply,
 * not in a later prompt. Servers that parse it send it apart (`reasoning` / `reasoning_content`,
 * which the bot never reads); others leave it inline in `content` between these tags.
 */
export const THINK_OPEN = "<think>";
export const THINK_CLOSE = "</think>";

export interface Reading {
  /** The answer: the output with every think block removed. */
  answer: string;
  /** The output ends inside a think block that is not closed (yet). */
  thinking: boolean;
}

/**
 * The answer in a model's whole output. An unclosed think block runs to the end (the model never
 * got past thinking). A `</think>` before any `<think>` ends thinking that the chat template
 * opened in the prompt (DeepSeek-R1 distills do that): everything before it was thought.
 */
export function readOutput(raw: string): Reading {
  return read(dropTemplateOpenedThought(raw), false);
}

/**
 * What may be shown of output still being generated: like {@link readOutput}, and an answer that
 * ends in what could still become `<think>` (a tag split across chunks, "<thi" then "nk>") holds
 * that tail back until the next tokens decide it.
 */
export function readSoFar(rawSoFar: string): Reading {
  return read(dropTemplateOpenedThought(rawSoFar), true);
}

/** The think blocks of a stored message, removed (an earlier reply sent back to a model). */
export function withoutThinking(text: string): string {
  const { answer } = readOutput(text);
  return answer === text ? text : answer.trim();
}

function read(raw: string, streaming: boolean): Reading {
  let answer = "";
  let from = 0;
  for (;;) {
    const open = raw.indexOf(THINK_OPEN, from);
    if (open < 0) break;
    answer += raw.slice(from, open);
    const close = raw.indexOf(THINK_CLOSE, open + THINK_OPEN.length);
    if (close < 0) return { answer, thinking: true };
    from = close + THINK_CLOSE.length;
  }
  const rest = raw.slice(from);
  if (!streaming) return { answer: answer + rest, thinking: false };
  const undecided = openTagStartAtEnd(rest);
  return { answer: answer + rest.slice(0, rest.length - undecided), thinking: false };
}

function dropTemplateOpenedThought(raw: string): string {
  const close = raw.indexOf(THINK_CLOSE);
  if (close < 0) return raw;
  const open = raw.indexOf(THINK_OPEN);
  return open >= 0 && open < close ? raw : raw.slice(close + THINK_CLOSE.length);
}

/** Length of the longest end of `text` that is the start (not the whole) of `<think>`. */
function openTagStartAtEnd(text: string): number {
  for (let k = Math.min(THINK_OPEN.length - 1, text.length); k > 0; k--) {
    if (text.endsWith(THINK_OPEN.slice(0, k))) return k;
  }
  return 0;
}
