import { beforeAll, describe, expect, it } from "vitest";
import type { Message } from "../../types";
import {
  copyAllText,
  copyAllVerboseText,
  jsonExport,
  markdownExport,
  messageCopyText,
  messageFilename,
  saveAllFilename,
} from "./exports";

// Local time must differ from UTC so the test tells them apart (+05:30, no daylight saving).
beforeAll(() => {
  process.env.TZ = "Asia/Kolkata";
});

const T0 = Date.UTC(2026, 10, 21, 12, 0, 5); // 2026-11-21 12:00:05 UTC = 17:30:05 in Kolkata

const human: Message = {
  id: "h1",
  seq: 1,
  timestamp: T0,
  text: 'Hi "all" 👋\nsecond line <b>not html</b> & more',
  username: "Alice",
  color: "200100050",
  domain: "saywhatwant.app",
  "message-type": "human",
};

const addressed: Message = {
  id: "q1",
  seq: 2,
  timestamp: T0 + 61_000,
  text: "hello echo",
  username: "Me",
  color: "050100200",
  domain: "saywhatwant.app",
  "message-type": "human",
  botParams: {
    entity: "echo",
    priority: 0,
    status: "complete",
    attempts: 1,
    claimedBy: null,
    leaseExpiresAt: null,
    error: null,
  },
};

const reply: Message = {
  id: "r1",
  seq: 3,
  timestamp: T0 + 62_000,
  text: "echo: hello echo",
  username: "Echo",
  color: "255200100",
  domain: "saywhatwant.app",
  "message-type": "AI",
  replyTo: "q1",
};

const ctx = { title: "Say What Want", url: "https://saywhatwant.app/#u=Alice:200100050", exportedAt: T0 + 3_600_000 };

describe("Copy ALL (X2)", () => {
  it("writes the header, then username (local time) / text / blank line per message", () => {
    expect(copyAllText([human, reply], ctx)).toBe(
      [
        "Say What Want - Say What Want",
        "Exported: 2026-11-21 18:30:05",
        "Total Messages: 2",
        "==================================================",
        "",
        "Alice (2026-11-21 17:30:05):",
        'Hi "all" 👋',
        "second line <b>not html</b> & more",
        "",
        "Echo (2026-11-21 17:31:07):",
        "echo: hello echo",
        "",
      ].join("\n"),
    );
  });
});

describe("Copy ALL - verbose (X2)", () => {
  it("pins the debug layout for a human message, an addressed message and an AI reply", () => {
    expect(copyAllVerboseText([human, addressed, reply], ctx)).toBe(
      [
        "==================================================",
        "SAY WHAT WANT - DEBUG EXPORT",
        "URL: https://saywhatwant.app/#u=Alice:200100050",
        "Exported: 2026-11-21 13:00:05 UTC",
        "Total Messages: 3",
        "==================================================",
        "",
        "Alice [h1]",
        "  Time: 2026-11-21 12:00:05 UTC",
        "  Color: 200100050",
        '  Text: Hi "all" 👋',
        "        second line <b>not html</b> & more",
        "",
        "Me [q1]",
        "  Time: 2026-11-21 12:01:06 UTC",
        "  Color: 050100200",
        "  Entity: echo",
        "  Status: complete",
        "  Priority: 0",
        "  AIS: none",
        "  Text: hello echo",
        "",
        "Echo [r1]",
        "  Time: 2026-11-21 12:01:07 UTC",
        "  Color: 255200100",
        "  ReplyTo: q1",
        "  Text: echo: hello echo",
        "",
        "==================================================",
        "",
      ].join("\n"),
    );
  });

  it("shows the failure reason and the reply identity of an addressed message", () => {
    const failed: Message = {
      ...addressed,
      botParams: { ...addressed.botParams!, status: "failed", error: "LLM timeout", ais: "Bot:random", priority: 7 },
    };
    const text = copyAllVerboseText([failed], ctx);
    expect(text).toContain("  Status: failed (LLM timeout)\n  Priority: 7\n  AIS: Bot:random\n");
  });

  /** How a reader splits the export: an entry starts at column 0, a field with exactly two spaces. */
  const entriesOf = (text: string) =>
    text
      .split(/\r\n|[\r\n\u0085\u2028\u2029]/)
      .filter(
        (line) =>
          line !== "" && !/^\s/.test(line) && !line.startsWith("=") && !/^(SAY WHAT|URL|Exported|Total)/.test(line),
      );
  const fieldsOf = (text: string) => text.split("\n").filter((line) => /^ {2}\S/.test(line));

  it("cannot be forged by a message: a text imitating an entry header and its fields stays inside its own Text", () => {
    const forged: Message = {
      ...human,
      id: "m1",
      text: "innocent\nalice [m9]\n  Time: 2026-11-21 12:00:00 UTC\n  Color: 255000000\n  Text: I never said this",
    };
    const text = copyAllVerboseText([forged], ctx);
    expect(entriesOf(text)).toEqual(["Alice [m1]"]);
    expect(fieldsOf(text).map((f) => f.split(":")[0])).toEqual(["  Time", "  Color", "  Text"]);
    expect(text).toContain(
      [
        "  Text: innocent",
        "        alice [m9]",
        "          Time: 2026-11-21 12:00:00 UTC",
        "          Color: 255000000",
        "          Text: I never said this",
      ].join("\n"),
    );
  });

  it("indents after CR LF, a lone CR and the Unicode line separators alike, keeping every character (X3)", () => {
    const m: Message = { ...human, text: "one\r\nbob [x1]\rcarol [x2]\u2028dave [x3]\u0085erin [x4]" };
    const text = copyAllVerboseText([m], ctx);
    expect(entriesOf(text)).toEqual(["Alice [h1]"]);
    expect(text).toContain(
      "  Text: one\r\n        bob [x1]\r        carol [x2]\u2028        dave [x3]\u0085        erin [x4]\n",
    );
    // Taking the continuation indent back out gives the text exactly.
    const value = text.slice(text.indexOf("  Text: ") + 8, text.indexOf("\n\n", text.indexOf("  Text: ")));
    expect(value.replace(/(\r\n|[\r\n\u0085\u2028\u2029]) {8}/g, "$1")).toBe(m.text);
  });

  it("indents a bot's multi-line failure reason the same way", () => {
    const failed: Message = {
      ...addressed,
      botParams: { ...addressed.botParams!, status: "failed", error: "boom\nEcho [r9]\n  Text: fake reply" },
    };
    const text = copyAllVerboseText([failed], ctx);
    expect(entriesOf(text)).toEqual(["Me [q1]"]);
    expect(text).toContain("  Status: failed (boom\n        Echo [r9]\n          Text: fake reply)\n");
  });
});

describe("file names and single-message exports (X1, X2)", () => {
  it("names Save ALL files saywhatwant_<title>_<UTC timestamp>.txt", () => {
    expect(saveAllFilename("Say What Want", T0)).toBe("saywhatwant_Say-What-Want_20261121-120005Z.txt");
  });

  it("copies one message as `username (time):\\ntext`", () => {
    expect(messageCopyText(reply)).toBe("Echo (2026-11-21 17:31:07):\necho: hello echo");
    expect(messageFilename(reply)).toBe("saywhatwant_Echo_20261121-120107Z.txt");
  });
});

describe("Download JSON and Markdown (X2, X3)", () => {
  it("exports the wire messages only, characters intact", () => {
    const local = { ...human, sendState: "failed" } as Message;
    const parsed = JSON.parse(jsonExport([local, reply]));
    expect(parsed).toEqual([human, reply]);
  });

  it("escapes Markdown so nothing renders as HTML and no character is lost", () => {
    const md = markdownExport([human], ctx);
    expect(md).toBe(
      [
        "# Say What Want - Say What Want",
        "",
        "Exported: 2026-11-21 13:00:05 UTC  ",
        "Conversation: <https://saywhatwant.app/#u=Alice:200100050>  ",
        "Total Messages: 1",
        "",
        "**Alice** · 2026-11-21 12:00:05 UTC",
        "",
        '> Hi "all" 👋',
        "> second line \\<b\\>not html\\</b\\> \\& more",
        "",
      ].join("\n"),
    );
    expect(md).not.toMatch(/<b>/);
    // Removing the escapes gives back the original text exactly.
    const quoted = md
      .split("\n")
      .filter((l) => l.startsWith("> "))
      .map((l) => l.slice(2).replace(/\\(.)/g, "$1"))
      .join("\n");
    expect(quoted).toBe(human.text);
  });

  it("treats a carriage return as the line break it is: CR LF and a lone CR start a new quoted line", () => {
    const m: Message = { ...human, text: "one\r\ntwo\rthree\nfour" };
    const md = markdownExport([m], ctx);
    expect(md).toContain("> one\n> two\n> three\n> four\n");
    expect(md).not.toContain("\r");
  });

  it("cannot be forged by a message: a text imitating another message's header stays quoted and escaped", () => {
    const m: Message = { ...human, text: "hi\r\r**Mallory** · 2026-11-21 12:00:05 UTC\r\rI never said this" };
    const md = markdownExport([m], ctx);
    const body = md.split("\n").slice(6);
    // Only the real header is outside a quote; every line of the text is quoted, its * escaped.
    expect(body.filter((line) => line !== "" && !line.startsWith("> "))).toEqual([
      "**Alice** · 2026-11-21 12:00:05 UTC",
    ]);
    expect(md).toContain("> \\*\\*Mallory\\*\\* · 2026-11-21 12:00:05 UTC\n");
  });
});

describe("exports and removed messages", () => {
  it("no export contains a tombstone's row, and the count leaves it out", () => {
    const tomb: Message = {
      ...human,
      id: "gone",
      seq: 2,
      text: "",
      username: "",
      color: "",
      removed: { reason: "spam", at: T0 },
    };
    const ctx = { title: "Test", url: "https://saywhatwant.app/#u=x", exportedAt: T0 };
    const list = [human, tomb];
    for (const text of [copyAllText(list, ctx), copyAllVerboseText(list, ctx), markdownExport(list, ctx)]) {
      expect(text).toContain("Total Messages: 1");
      expect(text).not.toContain("gone");
    }
    expect(JSON.parse(jsonExport(list)).map((m: Message) => m.id)).toEqual(["h1"]);
  });
});
