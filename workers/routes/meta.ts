import { Hono } from "hono";
import type { PublicStats } from "../../types";
import type { AppEnv } from "../app-env";
import { roomStub } from "../context";
import { unwrap } from "../http";

/** Liveness, presence of entities, and the numbers behind the queue monitor. */
export const meta = new Hono<AppEnv>();

meta.get("/api/health", (c) => c.json({ ok: true }));

/** Documented contract: the time of the last post, as text (ms since the epoch; 0 if none). */
meta.get("/api/heartbeat", async (c) => c.text(String(unwrap(c, await roomStub(c).lastPostAt(c.var.room)))));

meta.get("/api/entities", async (c) => c.json({ entities: unwrap(c, await roomStub(c).entities(c.var.room)) }));

/**
 * Aggregate counts are public; bot identities (worker ids carry hostnames), lease holders and
 * failure reasons are for the operator, who holds the admin token (issue #13).
 */
meta.get("/api/stats", async (c) => {
  const stats = unwrap(c, await roomStub(c).stats(c.var.room));
  if (c.var.caller === "admin") return c.json(stats);
  const { leases: _leases, bots: _bots, recentFailures: _failures, ...aggregate } = stats;
  return c.json(aggregate satisfies PublicStats);
});
