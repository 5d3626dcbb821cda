import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import {
  auditQuerySchema,
  auditResponseSchema,
  moderationResultSchema,
  muteRequestSchema,
  muteResponseSchema,
  mutesResponseSchema,
  removeRequestSchema,
  restoreRequestSchema,
  unmuteRequestSchema,
  unmuteResponseSchema,
} from "../../types";
import type { AppEnv } from "../app-env";
import { requireAdmin } from "../auth";
import { roomStub } from "../context";
import { jsonBodyGate, unwrap } from "../http";
import { ADMIN, AUTH_ERRORS, apiRouter, BODY_ERRORS, errors, json, jsonBody, query } from "../openapi";

/** Moderation (O9): remove / restore messages, mute / unmute posters, the audit trail. Admin token only. */
export const adminModeration = apiRouter();

adminModeration.use("/api/admin/*", requireAdmin);

/** Who acted, for the audit trail. Today the one admin token; named operator tokens can name themselves here. */
function operatorName(c: Context<AppEnv>): string {
  return c.var.caller === "admin" ? "admin" : c.var.caller;
}

adminModeration.openapi(
  createRoute({
    method: "post",
    path: "/api/admin/remove",
    summary: "Remove a message (a tombstone; restorable within the grace period)",
    middleware: [jsonBodyGate],
    request: { query: query(), body: jsonBody(removeRequestSchema) },
    responses: {
      200: json(moderationResultSchema, "the message as it now stands"),
      ...errors(...AUTH_ERRORS, ...BODY_ERRORS, "not_found", "conflict"),
    },
    security: ADMIN,
  }),
  async (c) => {
    const outcome = unwrap(c, await roomStub(c).remove(c.req.valid("json"), operatorName(c)));
    return c.json({ success: true as const, message: outcome.message, changed: outcome.changed }, 200);
  },
);

adminModeration.openapi(
  createRoute({
    method: "post",
    path: "/api/admin/restore",
    summary: "Restore a removed message within the grace period",
    middleware: [jsonBodyGate],
    request: { query: query(), body: jsonBody(restoreRequestSchema) },
    responses: {
      200: json(moderationResultSchema, "the message as it now stands"),
      ...errors(...AUTH_ERRORS, ...BODY_ERRORS, "not_found", "conflict"),
    },
    security: ADMIN,
  }),
  async (c) => {
    const outcome = unwrap(c, await roomStub(c).restore(c.req.valid("json").messageId, operatorName(c)));
    return c.json({ success: true as const, message: outcome.message, changed: outcome.changed }, 200);
  },
);

adminModeration.openapi(
  createRoute({
    method: "post",
    path: "/api/admin/mute",
    summary: "Mute a client address, an identity, or whoever posted a message, for some minutes",
    middleware: [jsonBodyGate],
    request: { query: query(), body: jsonBody(muteRequestSchema) },
    responses: { 200: json(muteResponseSchema, "the mute"), ...errors(...AUTH_ERRORS, ...BODY_ERRORS, "not_found") },
    security: ADMIN,
  }),
  async (c) => {
    const mute = unwrap(c, await roomStub(c).mute(c.req.valid("json"), operatorName(c)));
    return c.json({ success: true as const, mute }, 200);
  },
);

adminModeration.openapi(
  createRoute({
    method: "post",
    path: "/api/admin/unmute",
    summary: "Lift a mute",
    middleware: [jsonBodyGate],
    request: { query: query(), body: jsonBody(unmuteRequestSchema) },
    responses: {
      200: json(unmuteResponseSchema, "whether a mute was lifted"),
      ...errors(...AUTH_ERRORS, ...BODY_ERRORS),
    },
    security: ADMIN,
  }),
  async (c) => {
    const outcome = unwrap(c, await roomStub(c).unmute(c.req.valid("json").target, operatorName(c)));
    return c.json({ success: true as const, ...outcome }, 200);
  },
);

adminModeration.openapi(
  createRoute({
    method: "get",
    path: "/api/admin/mutes",
    summary: "The mutes in force",
    request: { query: query() },
    responses: { 200: json(mutesResponseSchema, "active mutes"), ...errors(...AUTH_ERRORS) },
    security: ADMIN,
  }),
  async (c) => c.json({ mutes: unwrap(c, await roomStub(c).activeMutes()) }, 200),
);

adminModeration.openapi(
  createRoute({
    method: "get",
    path: "/api/admin/audit",
    summary: "The moderation audit trail, oldest first",
    request: { query: query(auditQuerySchema) },
    responses: { 200: json(auditResponseSchema, "audit entries"), ...errors(...AUTH_ERRORS) },
    security: ADMIN,
  }),
  async (c) => {
    const { limit } = c.req.valid("query");
    return c.json({ entries: unwrap(c, await roomStub(c).auditTrail(limit)) }, 200);
  },
);
