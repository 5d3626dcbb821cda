import fc from "fast-check";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import * as full from "../../types";
import type { Infer, Schema } from "./decode";
import * as mini from "./wire";
import { apiErrorBodySchema } from "./wire";

// The browser's schemas (lib/shared/wire.ts, built with lib/shared/decode.ts) against the Worker's and the
// bot's zod schemas (types/): the same types, the same verdicts and outputs on the same inputs
// (fixtures, every fixture with each of its fields broken or dropped, generated messages), the
// same messages a person reads. A field added, renamed or tightened on one side only fails here.

type FullSchema = z.ZodType;
const pairs: [string, FullSchema, Schema<unknown>][] = [
  ["message", full.messageSchema, mini.messageSchema],
  ["comments page", full.commentsPageSchema, mini.commentsPageSchema],
  ["status response", full.statusResponseSchema, mini.statusResponseSchema],
  ["entities response", full.entitiesResponseSchema, mini.entitiesResponseSchema],
  ["initial window", full.initialWindowSchema, mini.initialWindowSchema],
  ["server event", full.serverEventSchema, mini.serverEventSchema],
  ["message input", full.messageInputSchema, mini.messageInputSchema],
  ["error body", full.apiErrorSchema.omit({ issues: true }).partial({ code: true }), apiErrorBodySchema],
  ["username", full.usernameSchema, mini.usernameSchema],
  ["AI username", full.aiUsernameSchema, mini.aiUsernameSchema],
  ["color", full.colorSchema, mini.colorSchema],
];

const DROP = Symbol("drop");

/** Every path to a field or array item inside `value`. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== "object" || value === null) return [];
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value as Record<string, unknown>);
  return entries.flatMap(([key, v]) => [[...prefix, key], ...pathsOf(v, [...prefix, key])]);
}

/** A deep copy of `value` with the field at `path` set to `replacement` (or removed: DROP). */
function replaced(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (replacement === DROP) delete at[last];
  else at[last] = replacement;
  return copy;
}

describe("lib/shared/wire.ts mirrors types/", () => {
  it("decodes to the types/ types", () => {
    expectTypeOf<Infer<typeof mini.messageSchema>>().toEqualTypeOf<full.Message>();
    expectTypeOf<Infer<typeof mini.commentsPageSchema>>().toEqualTypeOf<full.CommentsPage>();
    expectTypeOf<Infer<typeof mini.serverEventSchema>>().toEqualTypeOf<full.ServerEvent>();
    expectTypeOf<Infer<typeof mini.initialWindowSchema>>().toEqualTypeOf<full.InitialWindow>();
    expectTypeOf<Infer<typeof mini.messageInputSchema>>().toEqualTypeOf<full.MessageInput>();
    expectTypeOf<Infer<typeof mini.entitiesResponseSchema>>().toEqualTypeOf<{ entities: full.EntitySeen[] }>();
  });

  /** Success and the decoded value; with `words`, also the messages of the issues (people read those). */
  const verdict = (schema: FullSchema | Schema<unknown>, value: unknown, words: boolean) => {
    const r = schema.safeParse(value);
    if (r.success) return { ok: true, data: r.data };
    return words ? { ok: false, messages: r.error.issues.map((i) => i.message) } : { ok: false };
  };
  const agree = (fullSchema: FullSchema, miniSchema: Schema<unknown>, value: unknown, words = false) =>
    expect(verdict(miniSchema, value, words)).toEqual(verdict(fullSchema, value, words));

  it("every schema: the same verdict on values of the wrong kind", () => {
    const odd: unknown[] = [undefined, null, 0, 1.5, "", "x", [], {}, true, { type: "hello" }, [{}]];
    for (const [, f, m] of pairs) for (const value of odd) agree(f, m, value);
  });

  it("names and colors: the same verdicts and the same words for a person", () => {
    const names = [
      ...["", "a", "ab cd", "x".repeat(16), "x".repeat(17), "x".repeat(32), "x".repeat(33), "émilie", 7],
      // The name rule (types/names.ts): NFC out, invisible, bidi and control characters refused by name.
      "e\u0301milie",
      "e\u0301".repeat(16),
      "a\u200Bb",
      "\u200B",
      `${"x".repeat(17)}\u200B`,
      "abc\u202Efed",
      "\u2066x\u2069",
      "a\u061Cb",
      "a\tb",
      "a\u0007b",
      "a\uFEFFb",
      "\uD800x",
      "👩\u200D💻",
      "❤\uFE0F",
      "1\uFE0F\u20E3",
      "a\u200Db",
      "😀".repeat(16),
      "😀".repeat(17),
    ];
    for (const n of names) {
      agree(full.usernameSchema, mini.usernameSchema, n, true);
      agree(full.aiUsernameSchema, mini.aiUsernameSchema, n, true);
    }
    for (const c of ["255128000", "256000000", "000000000-abcdefghij", "12345678", "255128000-short", null]) {
      agree(full.colorSchema, mini.colorSchema, c, true);
    }
  });

  const message = (overrides: Record<string, unknown> = {}) => ({
    id: "m1",
    seq: 3,
    timestamp: 1_700_000_000_000,
    text: "hello",
    username: "Alice",
    color: "255128000",
    domain: "saywhatwant.app",
    "message-type": "human",
    ...overrides,
  });
  const botParams = {
    entity: "echo",
    priority: 50,
    status: "complete",
    attempts: 1,
    claimedBy: null,
    leaseExpiresAt: null,
    error: null,
    processed: true,
  };

  const mentions = [
    { entity: "echo", username: "Echo", color: "100100100", addressed: true },
    { entity: "muse.v2", username: "Muse", addressed: false },
  ];
  const jobs = [
    { entity: "echo", status: "complete", attempts: 1, error: null, depth: 0, replyId: "r1" },
    { entity: "muse.v2", status: "failed", attempts: 3, error: "failed by an operator", depth: 0 },
  ];
  const readAll = { scope: "room", count: 500, first: 1, last: 500 };
  const readFew = { scope: "thread", count: 3, seqs: [1, 2, 5] };
  const gap = { fromSeq: 4, toSeq: 7, reason: "corrupt" };

  it("messages, pages and every server frame: the same verdicts and outputs", () => {
    const samples: [FullSchema, Schema<unknown>, unknown][] = [
      [full.messageSchema, mini.messageSchema, message()],
      [full.messageSchema, mini.messageSchema, message({ botParams, context: ["a"], replyTo: "m0", extra: 1 })],
      [full.messageSchema, mini.messageSchema, message({ removed: { reason: "spam", at: 5 }, text: "" })],
      [full.messageSchema, mini.messageSchema, message({ seq: 0 })],
      [full.messageSchema, mini.messageSchema, message({ id: "bad id" })],
      [full.messageSchema, mini.messageSchema, message({ botParams: { ...botParams, status: "lost" } })],
      // Rooms hold entity ids stored before the one entity id rule: a stored botParams keeps them.
      [full.messageSchema, mini.messageSchema, message({ botParams: { ...botParams, entity: "old id" } })],
      [full.messageSchema, mini.messageSchema, message({ mentions, jobs, text: "@echo @Muse @nobody hi" })],
      [
        full.messageSchema,
        mini.messageSchema,
        message({ "message-type": "AI", scene: { depth: 2, paused: "turn_budget" }, read: readAll }),
      ],
      [full.messageSchema, mini.messageSchema, message({ "message-type": "AI", scene: { depth: 0 }, read: readFew })],
      [full.messageSchema, mini.messageSchema, message({ mentions: [{ ...mentions[0], entity: "__proto__" }] })],
      [full.messageSchema, mini.messageSchema, message({ jobs: [{ ...jobs[0], entity: "constructor" }] })],
      [full.messageSchema, mini.messageSchema, message({ scene: { depth: 1, paused: "tired" } })],
      [full.messageSchema, mini.messageSchema, message({ read: { ...readFew, scope: "everything" } })],
      [
        full.messageSchema,
        mini.messageSchema,
        message({ read: { ...readFew, seqs: Array.from({ length: 201 }, (_, i) => i + 1) } }),
      ],
      [
        full.commentsPageSchema,
        mini.commentsPageSchema,
        { comments: [message()], cursor: 3, hasMore: true, rev: 2, gaps: [gap, { ...gap, fromSeq: 9, toSeq: 9 }] },
      ],
      [
        full.commentsPageSchema,
        mini.commentsPageSchema,
        { comments: [], cursor: 3, hasMore: false, gaps: [{ ...gap, reason: "lost" }] },
      ],
      [full.commentsPageSchema, mini.commentsPageSchema, { comments: [message()], cursor: 3, hasMore: false }],
      [
        full.initialWindowSchema,
        mini.initialWindowSchema,
        { room: "r", page: { comments: [], cursor: 0, hasMore: true } },
      ],
      [
        full.initialWindowSchema,
        mini.initialWindowSchema,
        { room: "no room", page: { comments: [], cursor: 0, hasMore: true } },
      ],
    ];
    const draft = { messageId: "m1", entity: "echo", username: "Echo", color: "100100100", text: "hi", updatedAt: 1 };
    const frames: unknown[] = [
      { type: "hello", head: 4, cursor: 2 },
      { type: "hello", head: 4, cursor: 2, drafts: [draft], entities: [{ id: "echo", lastPolledAt: 1 }] },
      { type: "messages", messages: [message()], cursor: 3 },
      { type: "messages", messages: [message()], cursor: -1 },
      // A broadcast leaves out a cursor that is its last message's seq; an empty page cannot.
      { type: "messages", messages: [message()] },
      { type: "messages", messages: [], cursor: 3 },
      { type: "messages", messages: [] },
      {
        type: "queue",
        changes: [{ id: "m1", seq: 1, status: "processing", attempts: 1, error: null, leaseExpiresAt: 9 }],
      },
      {
        type: "queue",
        changes: [
          { id: "m1", entity: "muse.v2", seq: 1, status: "failed", attempts: 2, error: "x", leaseExpiresAt: null },
        ],
      },
      { type: "messages", messages: [message({ mentions, jobs })], cursor: 3, hasMore: true },
      { type: "presence", entities: [{ id: "echo", lastPolledAt: 1, username: "Echo", color: "100100100" }] },
      { type: "draft", draft: { ...draft, phase: "thinking", text: "" } },
      { type: "draft-gone", messageId: "m1", reason: "expired" },
      { type: "draft-gone", messageId: "m1", reason: "vanished" },
      { type: "updated", messages: [message({ removed: { reason: "x", at: 2 } })], rev: 4 },
      { type: "activity", here: 2, typing: [{ username: "a", color: "1" }], typingCount: 1 },
      { type: "activity", here: 2, typing: [1, 2, 3, 4].map(() => ({ username: "a", color: "1" })), typingCount: 4 },
      { type: "lines", lines: [{ entity: "echo", pending: 1, processing: 0, next: ["m1"] }] },
      {
        type: "lines",
        lines: [
          { entity: "old id", pending: 2, processing: 1, next: ["m1", "m2"] },
          { entity: "muse.v2", pending: 21, processing: 0, next: Array.from({ length: 20 }, (_, i) => `m${i}`) },
        ],
      },
      { type: "lines", lines: [{ entity: "echo", pending: 21, processing: 0, next: Array(21).fill("m1") }] },
      { type: "lines", lines: [] },
      { type: "activity", here: 0, typing: [], typingCount: 0 },
      { type: "hello", head: 4, cursor: 4, drafts: [{ ...draft, phase: "thinking", text: "" }] },
      { type: "draft", draft: { ...draft, phase: "writing" } },
      { type: "error", code: "invalid_input", message: "no" },
      { type: "error", code: "resume_budget", message: "too many catch-ups lately: reload the history" },
      { type: "error", code: "cursor_archived", message: "the cursor is older than the hot window" },
      { type: "pong" },
      { type: "nonsense" },
    ];
    for (const frame of frames) samples.push([full.serverEventSchema, mini.serverEventSchema, frame]);
    for (const [f, m, value] of samples) agree(f, m, value);
    // The new fields and frames are read, not merely refused alike on both sides.
    const accepted: [Schema<unknown>, unknown][] = [
      [mini.messageSchema, message({ mentions, jobs })],
      [mini.messageSchema, message({ scene: { depth: 2, paused: "turn_budget" }, read: readAll })],
      [mini.commentsPageSchema, { comments: [], cursor: 3, hasMore: false, gaps: [gap] }],
      ...frames
        .filter((f) => {
          const type = (f as { type: string }).type;
          return ["activity", "lines", "error", "queue"].includes(type) || JSON.stringify(f).includes("thinking");
        })
        .filter((f) => !JSON.stringify(f).match(/"next":\["m1","m1"|"typingCount":4/))
        .map((f): [Schema<unknown>, unknown] => [mini.serverEventSchema, f]),
    ];
    expect(accepted.length).toBeGreaterThan(12);
    for (const [schema, value] of accepted) {
      expect(schema.safeParse(value), JSON.stringify(value)).toMatchObject({ success: true });
    }
    // Each sample again with every field, at every depth, dropped or replaced by an odd value.
    const odd: unknown[] = [undefined, null, -1, 0, 1.5, 2 ** 60, Number.NaN, "", "x y", "999999999", [], {}, true];
    let variants = 0;
    for (const [f, m, value] of samples) {
      for (const path of pathsOf(value)) {
        for (const replacement of odd) {
          agree(f, m, replaced(value, path, replacement));
          variants++;
        }
        agree(f, m, replaced(value, path, DROP));
      }
    }
    expect(variants).toBeGreaterThan(1000);
  });

  it("a saved send: trimmed, context cut to the newest lines, a person's name limit", () => {
    const input = {
      text: "  hi  ",
      username: "Alice",
      color: "255128000",
      context: Array.from({ length: 250 }, String),
    };
    agree(full.messageInputSchema, mini.messageInputSchema, input);
    agree(full.messageInputSchema, mini.messageInputSchema, { ...input, username: "x".repeat(20) });
    agree(full.messageInputSchema, mini.messageInputSchema, {
      ...input,
      username: "x".repeat(20),
      "message-type": "AI",
    });
    agree(full.messageInputSchema, mini.messageInputSchema, { ...input, text: "   " });
    agree(full.messageInputSchema, mini.messageInputSchema, { ...input, botParams: { entity: "echo", priority: 100 } });
    // What a send carries is held to the entity id rule and the name rule, with the same words.
    for (const entity of ["muse.v2", "__proto__", "prototype", "old id", ""]) {
      agree(full.messageInputSchema, mini.messageInputSchema, { ...input, botParams: { entity } }, true);
    }
    for (const username of ["e\u0301milie", "a\u200Bb", "abc\u202Efed", "😀".repeat(17), "e\u0301".repeat(17)]) {
      agree(full.messageInputSchema, mini.messageInputSchema, { ...input, username }, true);
      agree(full.messageInputSchema, mini.messageInputSchema, { ...input, username, "message-type": "AI" }, true);
    }
    // Stored in NFC: the outbox keeps the form the server will store.
    expect(mini.messageInputSchema.parse({ ...input, username: "e\u0301milie" }).username).toBe("émilie");
  });

  it("agree on generated messages, good and bad", () => {
    const maybe = <T>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: good }, fc.anything());
    const arbitraryMessage = fc.record(
      {
        id: maybe(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/)),
        seq: maybe(fc.integer({ min: -2, max: 1e9 })),
        timestamp: maybe(fc.integer()),
        clientTimestamp: fc.double(),
        text: maybe(fc.string()),
        username: maybe(fc.string()),
        color: maybe(fc.string()),
        domain: maybe(fc.string()),
        "message-type": maybe(fc.constantFrom("human", "AI")),
        replyTo: fc.string(),
        mentions: maybe(
          fc.array(
            fc.record(
              {
                entity: fc.oneof(fc.constantFrom("echo", "__proto__", "a.b", ""), fc.string({ maxLength: 70 })),
                username: fc.string(),
                color: fc.string(),
                addressed: fc.boolean(),
              },
              { requiredKeys: ["entity", "username", "addressed"] },
            ),
          ),
        ),
        scene: maybe(
          fc.record(
            {
              depth: fc.integer({ min: -1, max: 30 }),
              paused: fc.constantFrom("turn_budget", "hourly_cap", "scenes_off", "other"),
            },
            { requiredKeys: ["depth"] },
          ),
        ),
        context: maybe(fc.array(fc.string())),
        botParams: maybe(
          fc.record({
            entity: fc.string({ maxLength: 70 }),
            priority: fc.integer({ min: -1, max: 100 }),
            status: fc.constantFrom("pending", "processing", "complete", "failed", "other"),
            attempts: fc.integer({ min: -1, max: 5 }),
            claimedBy: fc.option(fc.string()),
            leaseExpiresAt: fc.option(fc.integer()),
            error: fc.option(fc.string()),
          }),
        ),
      },
      { requiredKeys: ["id", "seq", "timestamp", "text", "username", "color", "domain", "message-type"] },
    );
    fc.assert(
      fc.property(arbitraryMessage, (m) => {
        agree(full.messageSchema, mini.messageSchema, m);
        agree(full.serverEventSchema, mini.serverEventSchema, { type: "messages", messages: [m], cursor: 1 });
      }),
      { numRuns: 300 },
    );
  });
});
