import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import type { BenchBaseline } from "../bench-baseline";
import { HttpError } from "../errors";

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
