import { Hono } from "hono";
import { type PublicStats, statsQuerySchema } from "../../types";
import type { AppEnv } from "../app-env";
import { roomStub } from "../context";
import { readQuery, unwrap } from "../http";

/** Liveness, presence of entities, and the numbers behind the queue monitor. */
export const meta = new Hono<AppEnv>();

meta.get("/api/health", (c) => c.json({ ok: true }));

/** Documented contract: the time of the last post, as text (ms since the epoch; 0 if none). */
meta.get("/api/heartbeat", async (c) => c.text(String(unwrap(c, await roomStub(c).lastPostAt(c.var.room)))));

meta.get("/api/entities", async (c) => c.json({ entities: unwrap(c, await roomStub(c).entities(c.var.room)) }));

/**
 * Aggregate counts are public; bot identities (worker ids carry hostnames), lease holders,
 * failure reasons and the series' reply latencies are for the operator, who holds the admin
 * token (issues #13, #14).
 */
meta.get("/api/stats", async (c) => {
  const { minutes } = readQuery(c, statsQuerySchema);
  const detailed = c.var.caller === "admin";
  const stats = unwrap(c, await roomStub(c).stats(c.var.room, { minutes, detailed }));
  if (detailed) return c.json(stats);
  const { leases: _leases, bots: _bots, recentFailures: _failures, ...aggregate } = stats;
  return c.json(aggregate satisfies PublicStats);
});
