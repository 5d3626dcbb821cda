import { Hono } from "hono";
import { statsQuerySchema } from "../../types";
import type { AppEnv } from "../app-env";
import { roomStub } from "../context";
import { readQuery, unwrap } from "../http";

/** Liveness, presence of entities, and the numbers behind the queue monitor. */
export const meta = new Hono<AppEnv>();

meta.get("/api/health", (c) => c.json({ ok: true }));

/** Documented contract: the time of the last post, as text (ms since the epoch; 0 if none). */
meta.get("/api/heartbeat", async (c) => c.text(String(unwrap(c, await roomStub(c).lastPostAt(c.var.room)))));

meta.get("/api/entities", async (c) => c.json({ entities: unwrap(c, await roomStub(c).entities(c.var.room)) }));

/** Public aggregate numbers; the admin token adds the detailed parts of the series (reply latency). */
meta.get("/api/stats", async (c) => {
  const { minutes } = readQuery(c, statsQuerySchema);
  const detailed = c.var.caller === "admin";
  return c.json(unwrap(c, await roomStub(c).stats(c.var.room, { minutes, detailed })));
});
