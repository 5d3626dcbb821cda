import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { anyStatsSchema, entitiesResponseSchema, type PublicStats, statsQuerySchema } from "../../types";
import { roomStub } from "../context";
import { unwrap } from "../http";
import { ADMIN, apiRouter, errors, json, query } from "../openapi";

/** Liveness, presence of entities, and the numbers behind the queue monitor. */
export const meta = apiRouter();

meta.openapi(
  createRoute({
    method: "get",
    path: "/api/health",
    summary: "Liveness of the Worker",
    request: { query: query() },
    responses: { 200: json(z.object({ ok: z.literal(true) }), "the Worker answers"), ...errors() },
  }),
  (c) => c.json({ ok: true as const }, 200),
);

/** Documented contract: the time of the last post, as text (ms since the epoch; 0 if none). */
meta.openapi(
  createRoute({
    method: "get",
    path: "/api/heartbeat",
    summary: "The time of the room's last post, as text (ms since the epoch; 0 if none)",
    request: { query: query() },
    responses: {
      200: { description: "a decimal number", content: { "text/plain": { schema: z.string().regex(/^\d+$/) } } },
      ...errors("unavailable"),
    },
  }),
  async (c) => c.text(String(unwrap(c, await roomStub(c).lastPostAt())), 200),
);

meta.openapi(
  createRoute({
    method: "get",
    path: "/api/entities",
    summary: "Entities bots have asked for work for, with when and (when told) their reply identity",
    request: { query: query() },
    responses: { 200: json(entitiesResponseSchema, "entities seen"), ...errors("unavailable") },
  }),
  async (c) => c.json({ entities: unwrap(c, await roomStub(c).entities()) }, 200),
);

/**
 * Aggregate counts are public; bot identities (worker ids carry hostnames), lease holders,
 * failure reasons and the series' reply latencies are for the operator, who holds the admin
 * token (issues #13, #14).
 */
meta.openapi(
  createRoute({
    method: "get",
    path: "/api/stats",
    summary:
      "Message and queue counts, storage work and the per-minute series; the admin token adds bots, leases, failures and latency",
    request: { query: query(statsQuerySchema) },
    responses: { 200: json(anyStatsSchema, "the room's numbers"), ...errors("unavailable") },
    security: [{}, ...ADMIN],
  }),
  async (c) => {
    const { minutes } = c.req.valid("query");
    const detailed = c.var.caller === "admin";
    const stats = unwrap(c, await roomStub(c).stats({ minutes, detailed }));
    if (detailed) return c.json(stats, 200);
    const { leases: _leases, bots: _bots, recentFailures: _failures, ...aggregate } = stats;
    return c.json(aggregate satisfies PublicStats, 200);
  },
);
