import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import type { Message } from "../../types";
import type { Room } from "../room";
import { encodeSegment, idHash } from "../room/segment-codec";
import { freshRoom } from "./client";

/**
 * Measures what one stored message costs (H1; the figures in docs/ARCHITECTURE.md come
 * from this test's output): SQLite bytes per hot message with every index, per archived message
 * (its id hash and its share of the segment index), and compressed R2 bytes per message.
 */
const MESSAGES = 20_000;
const DO_LIMIT_BYTES = 10 * 1000 ** 3;

const WORDS = (
  "i you we they it is are was be have do say get make go know think see come want look use find give tell " +
  "work call try ask need feel leave mean keep let begin seem help talk turn start show hear play run move " +
  "like live believe hold bring happen write sit stand lose pay meet include continue learn change lead " +
  "model answer question pizza cat dog music game movie night morning friend people time year day way thing " +
  "really just maybe never always again still actually probably honestly totally pretty kind sort lol ok yes no"
).split(" ");

/**
 * Deterministic chat-like text: mostly short lines, some paragraphs, a few near the 1,000 limit,
 * words drawn pseudo-randomly from a small vocabulary (so gzip sees text, not one repeated line).
 */
function textOfLength(i: number): string {
  const r = (i * 2654435761) % 100;
  const length = r < 40 ? 10 + (i % 31) : r < 80 ? 40 + (i % 81) : r < 95 ? 120 + (i % 281) : 400 + (i % 601);
  let state = (i * 2246822519 + 3266489917) >>> 0;
  let text = "";
  while (text.length < length) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const word = WORDS[state % WORDS.length] ?? "x";
    text += (state >>> 24) % 9 === 0 ? `${word}${(state >>> 16) % 3 === 0 ? "?" : "."} ` : `${word} `;
  }
  return text.slice(0, length).trim();
}

const sqlBytes = (object: unknown) => (object as { ctx: DurableObjectState }).ctx.storage.sql.databaseSize;

it(`bytes per stored message, measured over ${MESSAGES.toLocaleString("en")} messages`, async () => {
  const room = freshRoom("size");
  const stub = env.ROOM.get(env.ROOM.idFromName(room)) as unknown as DurableObjectStub<Room>;
  const figures = await runInDurableObject(stub, async (object) => {
    const room_ = object as unknown as Room;
    await room_.post({ text: "warm-up", username: "w", color: "000000000" }, "h", null);
    const empty = sqlBytes(object);
    const sample: Message[] = [];
    let textBytes = 0;
    for (let i = 0; i < MESSAGES; i++) {
      const text = textOfLength(i);
      textBytes += text.length;
      const posted = await room_.post(
        {
          id: crypto.randomUUID(),
          text,
          username: `user${i % 97}`,
          color: `${String(i % 256).padStart(3, "0")}100200`,
          domain: "saywhatwant.app",
          // One in ten is addressed to an entity, as when people talk to the AIs.
          ...(i % 10 === 0 ? { botParams: { entity: "eve" } } : {}),
        },
        "saywhatwant.app",
        null,
      );
      if (!posted.ok) throw new Error(posted.error);
      if (sample.length < 1000) sample.push(posted.value);
    }
    const hot = (sqlBytes(object) - empty) / MESSAGES;

    // The archive keeps, per message, one (hash, seq) row; per 1,000, one segment row and keys.
    const beforeIds = sqlBytes(object);
    const sql = (object as unknown as { ctx: DurableObjectState }).ctx.storage.sql;
    for (let i = 0; i < MESSAGES; i++) {
      sql.exec("INSERT INTO archived_ids (hash, seq) VALUES (?, ?)", idHash(crypto.randomUUID()), 10_000_000 + i);
    }
    const archivedIds = (sqlBytes(object) - beforeIds) / MESSAGES;
    const segment = await encodeSegment({ v: 1, room, firstSeq: 1, lastSeq: 1000, messages: sample });
    const r2 = segment.byteLength / sample.length;
    const rawJson = JSON.stringify(sample).length / sample.length;
    return { hot, archivedIds, r2, rawJson, avgText: textBytes / MESSAGES };
  });

  const days = (bytesPerMessage: number, perMinute: number) => DO_LIMIT_BYTES / (bytesPerMessage * perMinute * 1440);
  console.log(
    [
      `messages: ${MESSAGES}, average text ${figures.avgText.toFixed(0)} chars`,
      `SQLite per hot message (row + 6 indexes): ${figures.hot.toFixed(0)} B`,
      `SQLite per archived message (id hash row): ${figures.archivedIds.toFixed(1)} B`,
      `R2 per message (gzip JSON segment of 1,000): ${figures.r2.toFixed(0)} B (raw JSON ${figures.rawJson.toFixed(0)} B)`,
      `days to 10 GB, all hot: 100/min ${days(figures.hot, 100).toFixed(0)}, 1,000/min ${days(figures.hot, 1000).toFixed(1)}`,
      `days to 10 GB, archiving (ids only): 100/min ${days(figures.archivedIds, 100).toFixed(0)}, 1,000/min ${days(figures.archivedIds, 1000).toFixed(0)}`,
    ].join("\n"),
  );
  // What the design relies on: a hot message costs hundreds of bytes, and what the archive leaves
  // behind in SQLite is a small fraction of that (so 10 GB is years away, not weeks).
  expect(figures.hot).toBeGreaterThan(figures.avgText);
  expect(figures.archivedIds).toBeLessThan(figures.hot / 10);
  expect(figures.r2).toBeLessThan(figures.rawJson / 2);
}, 120_000);
