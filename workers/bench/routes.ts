import { Hono } from "hono";
import { z } from "zod";
import { ERROR_STATUS, type ErrorCode } from "../../types";
import { useApiMiddleware } from "../api-middleware";
import type { AppEnv } from "../app-env";
import { HttpError, type RoomResult } from "../errors";
import type { BenchBindings } from "./env";

/**
 * The bench build's routes (`/api/_bench/*`): the baselines the benchmarks measure the API
 * against, and seeding. They exist only in workers/bench/index.ts; the production Worker has none.
 * They run behind the API's own middleware (identity, CORS, Server-Timing, room), as they did when
 * they lived in the production app, so a baseline still pays every cost before a route's own work.
 */
export const benchRoutes = new Hono<AppEnv>();
useApiMiddleware(benchRoutes);

benchRoutes.onError((error, c) => {
  if (error instanceof HttpError) return c.json({ error: error.message, code: error.code }, error.status);
  console.error(`[bench] ${c.req.method} ${c.req.url} failed`, error);
  return c.json({ error: "Internal error; it has been logged", code: "internal" }, 500);
});

/** The bench build's bindings (the app's context is typed for production's). */
const bindings = (c: { env: unknown }) => c.env as BenchBindings;

function fail(c: { json: (body: unknown, status: number) => Response }, code: ErrorCode, error: string): Response {
  return c.json({ error, code }, ERROR_STATUS[code]);
}

/** One bare SQLite insert of the raw body (no validation, on purpose). */
benchRoutes.post("/api/_bench/insert", async (c) => {
  const ns = bindings(c).BENCH;
  const seq = await ns.get(ns.idFromName(c.var.room)).insert(await c.req.text());
  return c.json({ seq }, 201);
});

const cursorQuery = z.object({ cursor: z.coerce.number().int().min(0).default(0) });

/** A bare read of up to 200 rows after a cursor. */
benchRoutes.get("/api/_bench/read", async (c) => {
  const q = cursorQuery.safeParse(c.req.query());
  if (!q.success) return fail(c, "invalid_input", `cursor: ${q.error.issues[0]?.message}`);
  const ns = bindings(c).BENCH;
  const rows = await ns.get(ns.idFromName(c.var.room)).readAfter(q.data.cursor, 200);
  return c.json({ rows: rows.map((r) => JSON.parse(r) as unknown), cursor: q.data.cursor }, 200);
});

const seedQuery = z.object({
  count: z.coerce.number().int().min(1).max(200_000),
  /** The room's hot window; set before seeding so the archive fills as it would in production. */
  hot: z.coerce.number().int().min(200).optional(),
});

/** Seeds a room with settled messages (hot and archived) for the large-room benchmark. */
benchRoutes.post("/api/_bench/seed", async (c) => {
  const q = seedQuery.safeParse(c.req.query());
  if (!q.success) return fail(c, "invalid_input", q.error.issues.map((i) => `${i.path}: ${i.message}`).join("; "));
  const ns = bindings(c).ROOM;
  const stub = ns.get(ns.idFromName(c.var.room));
  if (q.data.hot !== undefined) {
    const set = await stub.setArchiveOptions({ hotMessages: q.data.hot, segmentSize: 1000, segmentsPerRun: 4 });
    if (!set.ok) return fail(c, set.code, set.error);
  }
  const seeded: RoomResult<unknown> = await stub.benchSeed(q.data.count);
  return seeded.ok ? c.json(seeded.value as object, 200) : fail(c, seeded.code, seeded.error);
});

const fanoutPostSchema = z.object({
  id: z.string().min(1).max(100),
  text: z.string().max(4000),
  username: z.string().max(64),
  color: z.string().max(16),
});

/** The fan-out baseline's viewers: a hibernating socket, nothing else. */
benchRoutes.get("/api/_bench/fanout/live", (c) => {
  const ns = bindings(c).FANOUT;
  return ns.get(ns.idFromName(c.var.room)).fetch(c.req.raw);
});

/** The fan-out baseline's post: one row, one frame to every socket. */
benchRoutes.post("/api/_bench/fanout/post", async (c) => {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return fail(c, "invalid_input", "Body is not valid JSON");
  }
  const input = fanoutPostSchema.safeParse(body);
  if (!input.success) return fail(c, "invalid_input", "expected {id, text, username, color}");
  const ns = bindings(c).FANOUT;
  return c.json(await ns.get(ns.idFromName(c.var.room)).post(input.data), 201);
});

benchRoutes.all("/api/_bench/*", (c) => fail(c, "not_found", `No bench route ${c.req.method} ${c.req.path}`));
