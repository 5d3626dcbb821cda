import type { Message } from "../../types";
import { fileTimestamp, formatLocal, formatUtc } from "../shared/time";

/**
 * X2 exports of the messages currently displayed, oldest → newest. Pure text builders: the
 * clipboard and the download happen in the component. Texts are copied verbatim (X3): no HTML,
 * no entity escaping, emoji, quotes and newlines intact.
 */

export const RULE = "=".repeat(50);

/** A removed message's tombstone is never exported, whatever a caller passes in. */
function withoutRemoved(messages: readonly Message[]): readonly Message[] {
  return messages.some((m) => m.removed) ? messages.filter((m) => !m.removed) : messages;
}

export interface ExportContext {
  /** The page title from the domain table (F8). */
  title: string;
  /** The page URL, hash included: the conversation itself. */
  url: string;
  exportedAt: number;
}

/** Copy ALL / Save ALL. */
export function copyAllText(all: readonly Message[], ctx: ExportContext): string {
  const messages = withoutRemoved(all);
  const header = [
    `Say What Want - ${ctx.title}`,
    `Exported: ${formatLocal(ctx.exportedAt)}`,
    `Total Messages: ${messages.length}`,
    RULE,
    "",
  ];
  const body = messages.map((m) => `${m.username} (${formatLocal(m.timestamp)}):\n${m.text}\n`);
  return [...header, ...body].join("\n");
}

/** Copy ALL - verbose: every field that explains what happened to a message. */
export function copyAllVerboseText(all: readonly Message[], ctx: ExportContext): string {
  const messages = withoutRemoved(all);
  const header = [
    RULE,
    "SAY WHAT WANT - DEBUG EXPORT",
    `URL: ${ctx.url}`,
    `Exported: ${formatUtc(ctx.exportedAt)}`,
    `Total Messages: ${messages.length}`,
    RULE,
    "",
  ].join("\n");
  const blocks = messages.map(verboseBlock);
  return `${header}\n${blocks.map((b) => `${b}\n\n`).join("")}${RULE}\n`;
}

/**
 * What any viewer may take for a line break: CR LF, a lone CR or LF, NEL and the Unicode line and
 * paragraph separators. Each one in a value is kept (X3) and followed by the continuation indent.
 */
const LINE_BREAK = /\r\n|[\r\n\u0085\u2028\u2029]/g;
/** Wider than the two-space field indent, so a continuation never reads as a field or a header. */
export const VERBOSE_CONTINUATION = " ".repeat(8);

/**
 * One `  Label: value` line of a verbose block. In this layout only a block's first line starts at
 * column 0 and only fields start with exactly two spaces; every further line of a value (a
 * message's text, a bot's error) is indented by eight, so no value can forge a field or an entry.
 */
function verboseField(label: string, value: string): string {
  return `  ${label}: ${value.replace(LINE_BREAK, (br) => `${br}${VERBOSE_CONTINUATION}`)}`;
}

function verboseBlock(m: Message): string {
  // Names, ids and colors cannot hold a line break (types/names.ts, the id and color patterns).
  const lines = [
    `${m.username} [${m.id}]`,
    verboseField("Time", formatUtc(m.timestamp)),
    verboseField("Color", m.color),
  ];
  if (m["message-type"] === "human" && m.botParams) {
    const bp = m.botParams;
    lines.push(verboseField("Entity", bp.entity));
    lines.push(verboseField("Status", `${bp.status}${bp.status === "failed" && bp.error ? ` (${bp.error})` : ""}`));
    lines.push(verboseField("Priority", String(bp.priority)));
    lines.push(verboseField("AIS", bp.ais ?? "none"));
  }
  if (m["message-type"] === "AI" && m.replyTo) lines.push(verboseField("ReplyTo", m.replyTo));
  lines.push(verboseField("Text", m.text));
  return lines.join("\n");
}

/** Save ALL: `saywhatwant_<title>_<UTC timestamp>.txt`. */
export function saveAllFilename(title: string, exportedAt: number): string {
  return `saywhatwant_${fileSafe(title)}_${fileTimestamp(exportedAt)}.txt`;
}

/** X1 Copy: `username (time):\ntext`. */
export function messageCopyText(m: Message): string {
  return `${m.username} (${formatLocal(m.timestamp)}):\n${m.text}`;
}

/** X1 Save: one message as a .txt file. */
export function messageFilename(m: Message): string {
  return `saywhatwant_${fileSafe(m.username)}_${fileTimestamp(m.timestamp)}.txt`;
}

/** Download JSON: the messages as the API returns them (nothing the page added locally). */
export function jsonExport(all: readonly Message[]): string {
  const messages = withoutRemoved(all);
  return `${JSON.stringify(messages.map(wireFields), null, 2)}\n`;
}

const WIRE_KEYS = [
  "id",
  "seq",
  "timestamp",
  "clientTimestamp",
  "text",
  "username",
  "color",
  "domain",
  "message-type",
  "replyTo",
  "context",
  "botParams",
] as const;

function wireFields(m: Message): Message {
  const out: Record<string, unknown> = {};
  for (const key of WIRE_KEYS) if (m[key] !== undefined) out[key] = m[key];
  return out as Message;
}

/** Download Markdown: readable anywhere, with the text escaped so a renderer shows it verbatim. */
export function markdownExport(all: readonly Message[], ctx: ExportContext): string {
  const messages = withoutRemoved(all);
  const lines = [
    `# Say What Want - ${escapeMarkdown(ctx.title)}`,
    "",
    `Exported: ${formatUtc(ctx.exportedAt)}  `,
    `Conversation: <${ctx.url.replace(/>/g, "%3E")}>  `,
    `Total Messages: ${messages.length}`,
    "",
  ];
  for (const m of messages) {
    const reply = m.replyTo ? ` ↩ ${escapeMarkdown(m.replyTo)}` : "";
    lines.push(`**${escapeMarkdown(m.username)}** · ${formatUtc(m.timestamp)}${reply}`, "");
    // CommonMark ends a line at LF, CR LF or a lone CR: each starts a new quoted line, so no text can
    // step out of its quote and pass for another message's header.
    for (const line of m.text.split(/\r\n|\r|\n/)) lines.push(`> ${escapeMarkdownLine(line)}`);
    lines.push("");
  }
  return lines.join("\n");
}

export function jsonFilename(title: string, exportedAt: number): string {
  return `saywhatwant_${fileSafe(title)}_${fileTimestamp(exportedAt)}.json`;
}

export function markdownFilename(title: string, exportedAt: number): string {
  return `saywhatwant_${fileSafe(title)}_${fileTimestamp(exportedAt)}.md`;
}

/** Backslash escapes render as the literal character: nothing is lost, nothing becomes HTML. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>&|~]/g, "\\$&");
}

function escapeMarkdownLine(line: string): string {
  return escapeMarkdown(line).replace(/^(\s*)([#+\-=>]|\d+[.)])/, "$1\\$2");
}

function fileSafe(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "");
  return safe || "untitled";
}
