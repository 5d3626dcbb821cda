import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { entitiesResponseSchema, statsQuerySchema, statsSchema } from "../../types";
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
    responses: { 200: json(z.object({ ok: z.literal(true) }), "the Worker answers") },
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

/** Public aggregate numbers; the admin token adds the detailed parts of the series (reply latency). */
meta.openapi(
  createRoute({
    method: "get",
    path: "/api/stats",
    summary: "Message and queue counts, leases, bots, storage work and the per-minute series (admin adds latency)",
    request: { query: query(statsQuerySchema) },
    responses: { 200: json(statsSchema, "the room's numbers"), ...errors("unavailable") },
    security: [{}, ...ADMIN],
  }),
  async (c) => {
    const { minutes } = c.req.valid("query");
    const detailed = c.var.caller === "admin";
    return c.json(unwrap(c, await roomStub(c).stats({ minutes, detailed })), 200);
  },
);
