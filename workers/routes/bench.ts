import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import type { BenchBaseline } from "../bench-baseline";
import { roomStub } from "../context";
import { HttpError } from "../errors";
import { readQuery, unwrap } from "../http";
import type { Room } from "../room";

/** Baseline routes for `npm run bench`; 404 unless the Worker runs with BENCH_ROUTES=1. */
export const bench = new Hono<AppEnv>();

bench.use("/api/_bench/*", async (c, next) => {
  if (c.env.BENCH_ROUTES !== "1") throw new HttpError("not_found", `No API route ${c.req.method} ${c.req.path}`);
  await next();
});

function baseline(c: { env: AppEnv["Bindings"] }, room: string): DurableObjectStub<BenchBaseline> {
  const ns = c.env.BENCH as unknown as DurableObjectNamespace<BenchBaseline>;
  return ns.get(ns.idFromName(room));
}

bench.post("/api/_bench/insert", async (c) => {
  const body = await c.req.text();
  const seq = await baseline(c, c.var.room).insert(body);
  return c.json({ seq }, 201);
});

bench.get("/api/_bench/read", async (c) => {
  const cursor = Number(c.req.query("cursor") ?? 0);
  const rows = await baseline(c, c.var.room).readAfter(cursor, 200);
  return c.json({ rows: rows.map((r) => JSON.parse(r) as unknown), cursor });
});

const seedQuery = z.object({
  count: z.coerce.number().int().min(1).max(200_000),
  /** The room's hot window; set before seeding so the archive fills as it would in production. */
  hot: z.coerce.number().int().min(200).optional(),
});

/** Seeds a room with settled messages (hot + archived) for the large-room benchmark. */
bench.post("/api/_bench/seed", async (c) => {
  const q = readQuery(c, seedQuery);
  const stub: DurableObjectStub<Room> = roomStub(c);
  if (q.hot !== undefined) {
    unwrap(c, await stub.setArchiveOptions(c.var.room, { hotMessages: q.hot, segmentSize: 1000, segmentsPerRun: 4 }));
  }
  return c.json(unwrap(c, await stub.benchSeed(c.var.room, q.count)));
});
