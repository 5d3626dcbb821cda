import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import type { BenchBaseline } from "../bench-baseline";
import { config } from "../config";
import { roomStub } from "../context";
import { HttpError } from "../errors";
import { unwrap } from "../http";
import { apiRouter, errors, json, query } from "../openapi";
import type { Room } from "../room";

/** Baseline routes for `npm run bench`; 404 unless the Worker runs with BENCH_ROUTES=1. */
export const bench = apiRouter();

bench.use("/api/_bench/*", async (c, next) => {
  if (!config(c.env).BENCH_ROUTES) throw new HttpError("not_found", `No API route ${c.req.method} ${c.req.path}`);
  await next();
});

function baseline(c: { env: AppEnv["Bindings"] }, room: string): DurableObjectStub<BenchBaseline> {
  const ns = c.env.BENCH as unknown as DurableObjectNamespace<BenchBaseline>;
  return ns.get(ns.idFromName(room));
}

const onlyWhenEnabled = "Only when the Worker runs with BENCH_ROUTES=1 (npm run bench); otherwise 404.";

bench.openapi(
  createRoute({
    method: "post",
    path: "/api/_bench/insert",
    tags: ["bench"],
    summary: "Benchmark baseline: one bare SQLite insert of the raw body",
    description: onlyWhenEnabled,
    request: { query: query() },
    responses: { 201: json(z.object({ seq: z.number().int() }), "inserted"), ...errors("not_found") },
  }),
  async (c) => {
    // The raw body on purpose: the baseline measures an insert without validation.
    const seq = await baseline(c, c.var.room).insert(await c.req.text());
    return c.json({ seq }, 201);
  },
);

bench.openapi(
  createRoute({
    method: "get",
    path: "/api/_bench/read",
    tags: ["bench"],
    summary: "Benchmark baseline: a bare read of up to 200 rows after a cursor",
    description: onlyWhenEnabled,
    request: { query: query(z.object({ cursor: z.coerce.number().int().min(0).default(0) })) },
    responses: {
      200: json(z.object({ rows: z.array(z.unknown()), cursor: z.number().int() }), "rows"),
      ...errors("not_found"),
    },
  }),
  async (c) => {
    const { cursor } = c.req.valid("query");
    const rows = await baseline(c, c.var.room).readAfter(cursor, 200);
    return c.json({ rows: rows.map((r) => JSON.parse(r) as unknown), cursor }, 200);
  },
);

const seedQuery = z.object({
  count: z.coerce.number().int().min(1).max(200_000),
  /** The room's hot window; set before seeding so the archive fills as it would in production. */
  hot: z.coerce.number().int().min(200).optional(),
});

/** Seeds a room with settled messages (hot + archived) for the large-room benchmark. */
bench.openapi(
  createRoute({
    method: "post",
    path: "/api/_bench/seed",
    tags: ["bench"],
    summary: "Benchmark: seed the room with settled messages (hot and archived)",
    description: onlyWhenEnabled,
    request: { query: query(seedQuery) },
    responses: {
      200: json(z.object({}).passthrough(), "what was seeded"),
      ...errors("not_found", "unavailable"),
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const stub: DurableObjectStub<Room> = roomStub(c);
    if (q.hot !== undefined) {
      unwrap(c, await stub.setArchiveOptions({ hotMessages: q.hot, segmentSize: 1000, segmentsPerRun: 4 }));
    }
    return c.json(unwrap(c, await stub.benchSeed(q.count)), 200);
  },
);
