import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import {
  adminFailSchema,
  adminRequeueSchema,
  adminResultSchema,
  claimNextRequestSchema,
  claimRequestSchema,
  claimResponseSchema,
  completeRequestSchema,
  completeResponseSchema,
  contextQuerySchema,
  contextResponseSchema,
  failRequestSchema,
  failResponseSchema,
  heartbeatRequestSchema,
  heartbeatResponseSchema,
  pendingQuerySchema,
  pendingResponseSchema,
  progressRequestSchema,
  releaseRequestSchema,
  sceneSettingsSchema,
} from "../../types";
import { requireAdmin, requireBot, requireEntity } from "../auth";
import { roomStub } from "../context";
import { HttpError } from "../errors";
import { jsonBodyGate, unwrap } from "../http";
import { ADMIN, AUTH_ERRORS, apiRouter, BODY_ERRORS, BOT, errors, json, jsonBody, query } from "../openapi";

/** The leased work queue for bots (bot token) and the operator's hand controls (admin token). */
export const queue = apiRouter();

queue.use("/api/queue/*", requireBot);
queue.use("/api/admin/*", requireAdmin);

queue.openapi(
  createRoute({
    method: "get",
    path: "/api/queue/pending",
    summary: "Pending addressed messages, most urgent first; `wait` long-polls up to 25 s",
    request: { query: query(pendingQuerySchema) },
    responses: { 200: json(pendingResponseSchema, "pending messages"), ...errors(...AUTH_ERRORS) },
    security: BOT,
  }),
  async (c) => {
    const q = { ...c.req.valid("query") };
    const scope = c.var.scope;
    if (q.entity) requireEntity(c, q.entity, "list the queue of");
    else if (scope !== "*") {
      // The Room lists one entity or all; a token for one entity gets that one's queue.
      if (scope.length !== 1) {
        throw new HttpError("forbidden", `token "${c.var.callerName}" covers several entities: name one with ?entity=`);
      }
      q.entity = scope[0];
    }
    return c.json({ pending: unwrap(c, await roomStub(c).pending(q)) }, 200);
  },
);

queue.openapi(
  createRoute({
    method: "post",
    path: "/api/queue/claim",
    summary: "Claim one pending message by id: a lease that must be heartbeaten",
    middleware: [jsonBodyGate],
    request: { query: query(), body: jsonBody(claimRequestSchema) },
    responses: {
      200: json(claimResponseSchema, "the message and its lease"),
      ...errors(...AUTH_ERRORS, ...BODY_ERRORS, "not_found", "conflict"),
    },
    security: BOT,
  }),
  async (c) => {
    const claim = unwrap(c, await roomStub(c).claim(c.req.valid("json"), c.var.scope));
    return c.json({ success: true as const, ...claim }, 200);
  },
);

queue.openapi(
  createRoute({
    method: "post",
    path: "/api/queue/claim-next",
    summary: "Claim the most urgent pending message of the given entities, waiting up to `wait` seconds",
    middleware: [jsonBodyGate],
    request: { query: query(), body: jsonBody(claimNextRequestSchema) },
    responses: {
      200: json(claimResponseSchema, "the message and its lease"),
      204: { description: "nothing was pending within `wait`" },
      ...errors(...AUTH_ERRORS, ...BODY_ERRORS),
    },
    security: BOT,
  }),
  async (c) => {
    const req = { ...c.req.valid("json") };
    // A scoped token claims only its entities: asking for others is refused, asking for none means its own.
    const scope = c.var.scope;
    if (scope !== "*") {
      for (const entity of req.entities ?? []) requireEntity(c, entity, "claim");
      req.entities ??= [...scope];
    }
    const claim = unwrap(c, await roomStub(c).claimNext(req));
    return claim ? c.json({ success: true as const, ...claim }, 200) : c.body(null, 204);
  },
);

queue.openapi(
  createRoute({
    method: "post",
    path: "/api/queue/heartbeat",
    summary: "Extend a lease",
    middleware: [jsonBodyGate],
    request: { query: query(), body: jsonBody(heartbeatRequestSchema) },
    responses: {
      200: json(heartbeatResponseSchema, "the extended lease"),
      ...errors(...AUTH_ERRORS, ...BODY_ERRORS, "not_found", "lease_lost"),
    },
    security: BOT,
  }),
  async (c) => {
    const lease = unwrap(c, await roomStub(c).heartbeat(c.req.valid("json"), c.var.scope));
    return c.json({ success: true as const, lease }, 200);
  },
);

queue.openapi(
  createRoute({
    method: "post",
    path: "/api/queue/progress",
    summary:
      "The reply's text so far, shown to subscribers as a draft (never stored); renews the lease like heartbeat. At most one per message every 100 ms",
    middleware: [jsonBodyGate],
    request: { query: query(), body: jsonBody(progressRequestSchema) },
    responses: {
      200: json(heartbeatResponseSchema, "the lease as it now stands"),
      ...errors(...AUTH_ERRORS, ...BODY_ERRORS, "not_found", "lease_lost", "conflict"),
    },
    security: BOT,
  }),
  async (c) => {
    const lease = unwrap(c, await roomStub(c).progress(c.req.valid("json"), c.var.scope));
    return c.json({ success: true as const, lease }, 200);
  },
);

queue.openapi(
  createRoute({
    method: "post",
    path: "/api/queue/complete",
    summary: "Store the one reply and complete the message in one transaction; a repeat returns the same reply",
    middleware: [jsonBodyGate],
    request: { query: query(), body: jsonBody(completeRequestSchema) },
    responses: {
      200: json(completeResponseSchema, "the stored reply (null when completed silently)"),
      ...errors(...AUTH_ERRORS, ...BODY_ERRORS, "not_found", "lease_lost", "conflict", "already_answered"),
    },
    security: BOT,
  }),
  async (c) => {
    const reply = unwrap(c, await roomStub(c).complete(c.req.valid("json"), c.var.scope));
    return c.json({ success: true as const, reply }, 200);
  },
);

queue.openapi(
  createRoute({
    method: "post",
    path: "/api/queue/fail",
    summary: "Report a failed attempt: back to pending if retryable and under the limit, else failed",
    middleware: [jsonBodyGate],
    request: { query: query(), body: jsonBody(failRequestSchema) },
    responses: {
      200: json(failResponseSchema, "the new status and attempts"),
      ...errors(...AUTH_ERRORS, ...BODY_ERRORS, "not_found", "lease_lost"),
    },
    security: BOT,
  }),
  async (c) => {
    const outcome = unwrap(c, await roomStub(c).fail(c.req.valid("json"), c.var.scope));
    return c.json({ success: true as const, ...outcome }, 200);
  },
);

queue.openapi(
  createRoute({
    method: "post",
    path: "/api/queue/release",
    summary: "Give a lease back at once, no attempt counted (a bot shutting down)",
    middleware: [jsonBodyGate],
    request: { query: query(), body: jsonBody(releaseRequestSchema) },
    responses: {
      200: json(z.object({ success: z.literal(true) }), "released"),
      ...errors(...AUTH_ERRORS, ...BODY_ERRORS, "not_found", "lease_lost"),
    },
    security: BOT,
  }),
  async (c) => {
    unwrap(c, await roomStub(c).release(c.req.valid("json"), c.var.scope));
    return c.json({ success: true as const }, 200);
  },
);

queue.openapi(
  createRoute({
    method: "post",
    path: "/api/admin/requeue",
    summary: "Operator: put a failed or stuck message back to pending",
    middleware: [jsonBodyGate],
    request: { query: query(), body: jsonBody(adminRequeueSchema) },
    responses: {
      200: json(adminResultSchema, "the message as it now stands"),
      ...errors(...AUTH_ERRORS, ...BODY_ERRORS, "not_found", "conflict"),
    },
    security: ADMIN,
  }),
  async (c) => {
    const message = unwrap(c, await roomStub(c).requeue(c.req.valid("json").messageId));
    return c.json({ success: true as const, message }, 200);
  },
);

queue.openapi(
  createRoute({
    method: "post",
    path: "/api/admin/fail",
    summary: "Operator: mark an open message failed",
    middleware: [jsonBodyGate],
    request: { query: query(), body: jsonBody(adminFailSchema) },
    responses: {
      200: json(adminResultSchema, "the message as it now stands"),
      ...errors(...AUTH_ERRORS, ...BODY_ERRORS, "not_found", "conflict"),
    },
    security: ADMIN,
  }),
  async (c) => {
    const { messageId, error } = c.req.valid("json");
    const message = unwrap(c, await roomStub(c).failByHand(messageId, error));
    return c.json({ success: true as const, message }, 200);
  },
);

queue.openapi(
  createRoute({
    method: "get",
    path: "/api/queue/context",
    summary:
      "The room history an entity's scope names for one job's prompt (E9): the thread up to its human message, the room's last messages, or the conversation",
    request: { query: query(contextQuerySchema) },
    responses: {
      200: json(contextResponseSchema, "the messages, oldest first, ending with the message itself"),
      ...errors(...AUTH_ERRORS, "not_found"),
    },
    security: BOT,
  }),
  async (c) => {
    const q = c.req.valid("query");
    const messages = unwrap(c, await roomStub(c).context(q, c.var.scope));
    return c.json({ scope: q.scope, messages }, 200);
  },
);

queue.openapi(
  createRoute({
    method: "get",
    path: "/api/admin/scene",
    summary: "Operator: the room's scene limits (E8): AI turns after a human message, and AI-triggered turns per hour",
    request: { query: query() },
    responses: { 200: json(sceneSettingsSchema, "the room's scene limits"), ...errors(...AUTH_ERRORS) },
    security: ADMIN,
  }),
  async (c) => c.json(unwrap(c, await roomStub(c).sceneSettings()), 200),
);

queue.openapi(
  createRoute({
    method: "put",
    path: "/api/admin/scene",
    summary: "Operator: set the room's scene limits (turnBudget 0 turns scenes off); answers them as stored",
    middleware: [jsonBodyGate],
    request: { query: query(), body: jsonBody(sceneSettingsSchema) },
    responses: {
      200: json(sceneSettingsSchema, "the room's scene limits as stored"),
      ...errors(...AUTH_ERRORS, ...BODY_ERRORS),
    },
    security: ADMIN,
  }),
  async (c) => c.json(unwrap(c, await roomStub(c).setSceneSettings(c.req.valid("json"))), 200),
);
