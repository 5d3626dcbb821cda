import { parseServerTiming } from "../../workers/metrics.ts";
import type { HttpClient, HttpResponse } from "./http-client.ts";
import { runLoad } from "./load.ts";

/**
 * What the Worker benchmark measures: each API path next to a bare baseline doing the same
 * storage operation through the same Worker (`/api/_bench/*`), each in a room of its own.
 * Every timed operation checks it did the intended work (row counts, statuses).
 */

export interface ScenarioConfig {
  /** Connections used to seed rooms and pre-post queue work (untimed). */
  concurrency: number;
  botToken: string;
}

/** Storage work one request reported in its Server-Timing header. */
export interface StorageWork {
  kvRead: number;
  kvWrite: number;
  rowsRead: number;
  rowsWritten: number;
  workerMs: number;
}

export type TimedOp = (index: number) => Promise<StorageWork | null>;

export interface Scenario {
  /** Stable name the report looks results up by. */
  key: string;
  label: string;
  /** Untimed setup for one round (seed rows, pre-post work); returns the operation to time. */
  prepare(operations: number): Promise<TimedOp>;
  target?: number;
}

export interface Group {
  key: string;
  title: string;
  unit: "req" | "op";
  baseline: Scenario;
  subjects: Scenario[];
}

const ENTITY = "bench";
/** Messages in the rooms polled empty: enough that reading them would show in Server-Timing. */
export const SEEDED_ROWS = 200;
const runTag = Date.now().toString(36);
let idCounter = 0;
const newId = () => `bench-${runTag}-${++idCounter}`;

/** A human message as the app's composer sends it. */
export function humanMessage(): Record<string, unknown> {
  return {
    id: newId(),
    text: "Has anyone tried the new model yet? It answers everything in haiku now.",
    username: "benchuser",
    color: "080160240",
    domain: "127.0.0.1",
    "message-type": "human",
    timestamp: Date.now(),
  };
}

function storageWork(response: HttpResponse): StorageWork {
  const header = response.headers["server-timing"];
  const t = parseServerTiming(Array.isArray(header) ? header.join(", ") : (header ?? null));
  return {
    kvRead: t.kv_read ?? Number.NaN,
    kvWrite: t.kv_write ?? Number.NaN,
    rowsRead: t.rows_read ?? Number.NaN,
    rowsWritten: t.rows_written ?? Number.NaN,
    workerMs: t.total ?? Number.NaN,
  };
}

function addWork(a: StorageWork, b: StorageWork): StorageWork {
  return {
    kvRead: a.kvRead + b.kvRead,
    kvWrite: a.kvWrite + b.kvWrite,
    rowsRead: a.rowsRead + b.rowsRead,
    rowsWritten: a.rowsWritten + b.rowsWritten,
    workerMs: a.workerMs + b.workerMs,
  };
}

function expectCount(what: string, got: number, want: number): void {
  if (got !== want)
    throw new Error(`${what} returned ${got} rows, expected ${want}: the benchmark would time the wrong work`);
}

/** Every scenario, grouped with the baseline each is compared to. Rooms keep their states apart. */
export function workerGroups(http: HttpClient, config: ScenarioConfig): Group[] {
  const bot = config.botToken;

  const bareInsert = async (room: string): Promise<number> =>
    (
      await http.json<{ seq: number }>("POST", `/api/_bench/insert?room=${room}`, {
        body: humanMessage(),
        expect: [201],
      })
    ).seq;
  const post = async (room: string, token?: string): Promise<HttpResponse> =>
    http.send("POST", `/api/comments?room=${room}`, { body: humanMessage(), token, expect: [201] });
  const postedSeq = (response: HttpResponse) => (JSON.parse(response.body) as { seq: number }).seq;
  const bareRead = async (room: string, cursor: number) =>
    (JSON.parse((await http.send("GET", `/api/_bench/read?room=${room}&cursor=${cursor}`)).body) as { rows: unknown[] })
      .rows.length;
  const poll = async (room: string, cursor: number): Promise<{ count: number; work: StorageWork }> => {
    const response = await http.send("GET", `/api/comments?room=${room}&cursor=${cursor}`);
    return {
      count: (JSON.parse(response.body) as { comments: unknown[] }).comments.length,
      work: storageWork(response),
    };
  };
  /** Ten writes in sequence; returns the head before them (the cursor a poller had). */
  const headBeforeTen = async (write: () => Promise<number>): Promise<number> => {
    const first = await write();
    for (let i = 1; i < 10; i++) await write();
    return first - 1;
  };

  /** Fills a room with `SEEDED_ROWS` writes so a scan would show in rows read; returns the head. */
  const seed = async (write: () => Promise<number>): Promise<number> => {
    const seqs = await runLoad({ concurrency: config.concurrency, operations: SEEDED_ROWS }, write);
    return Math.max(...seqs.results);
  };

  let bareHead: number | null = null;
  let pollHead: number | null = null;

  return [
    {
      key: "write",
      title: "Write one message",
      unit: "req",
      baseline: {
        key: "bare-insert",
        label: "bare insert `POST /api/_bench/insert`",
        prepare: async () => async () => {
          await bareInsert("bench-insert");
          return null;
        },
      },
      subjects: [
        {
          key: "post",
          label: "`POST /api/comments` (anonymous, as the app)",
          target: 0.8,
          prepare: async () => async () => storageWork(await post("bench-post")),
        },
        {
          key: "post-bot",
          label: "`POST /api/comments` with the bot token (diagnostic: skips the rate limiter)",
          prepare: async () => async () => storageWork(await post("bench-post-bot", bot)),
        },
      ],
    },
    {
      key: "empty-poll",
      title: "Poll with nothing new",
      unit: "req",
      baseline: {
        key: "bare-read-empty",
        label: "bare read at head `GET /api/_bench/read?cursor=<head>`",
        prepare: async () => {
          bareHead ??= await seed(() => bareInsert("bench-read-empty"));
          const cursor = bareHead;
          return async () => {
            expectCount("bare read at head", await bareRead("bench-read-empty", cursor), 0);
            return null;
          };
        },
      },
      subjects: [
        {
          key: "empty-poll",
          label: "empty poll `GET /api/comments?cursor=<head>`",
          target: 0.9,
          prepare: async () => {
            pollHead ??= await seed(async () => postedSeq(await post("bench-poll-empty")));
            const cursor = pollHead;
            return async () => {
              const { count, work } = await poll("bench-poll-empty", cursor);
              expectCount("empty poll", count, 0);
              return work;
            };
          },
        },
      ],
    },
    {
      key: "ten-poll",
      title: "Poll with 10 new messages",
      unit: "req",
      baseline: {
        key: "bare-read-ten",
        label: "bare read of 10 rows `GET /api/_bench/read?cursor=<head-10>`",
        prepare: async () => {
          const cursor = await headBeforeTen(() => bareInsert("bench-read-ten"));
          return async () => {
            expectCount("bare 10-row read", await bareRead("bench-read-ten", cursor), 10);
            return null;
          };
        },
      },
      subjects: [
        {
          key: "ten-poll",
          label: "poll returning 10 new `GET /api/comments?cursor=<previous head>`",
          prepare: async () => {
            const cursor = await headBeforeTen(async () => postedSeq(await post("bench-poll-ten")));
            return async () => {
              const { count, work } = await poll("bench-poll-ten", cursor);
              expectCount("10-new poll", count, 10);
              return work;
            };
          },
        },
      ],
    },
    {
      key: "bot-round-trip",
      title: "Bot round trip",
      unit: "op",
      baseline: {
        key: "two-bare-inserts",
        label: "two bare inserts in sequence",
        prepare: async () => async () => {
          await bareInsert("bench-pair");
          await bareInsert("bench-pair");
          return null;
        },
      },
      subjects: [
        {
          key: "claim-complete",
          label: "`claim-next` then `complete` (bot token)",
          prepare: async (operations) => {
            await runLoad({ concurrency: config.concurrency, operations }, () =>
              http.send("POST", "/api/comments?room=bench-queue", {
                body: { ...humanMessage(), botParams: { entity: ENTITY } },
                token: bot,
                expect: [201],
              }),
            );
            return async (index) => {
              const claimed = await http.send("POST", "/api/queue/claim-next?room=bench-queue", {
                body: { workerId: `bench-worker-${index % config.concurrency}`, entities: [ENTITY] },
                token: bot,
                expect: [200],
              });
              const { message, lease } = JSON.parse(claimed.body) as {
                message: { id: string };
                lease: { token: string };
              };
              const completed = await http.send("POST", "/api/queue/complete?room=bench-queue", {
                body: { messageId: message.id, leaseToken: lease.token, reply: { text: "A haiku, as requested." } },
                token: bot,
                expect: [200],
              });
              return addWork(storageWork(claimed), storageWork(completed));
            };
          },
        },
      ],
    },
  ];
}
