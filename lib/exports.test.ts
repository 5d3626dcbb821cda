import { beforeAll, describe, expect, it } from "vitest";
import type { Message } from "../types";
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
        "second line <b>not html</b> & more",
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
