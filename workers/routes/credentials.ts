import { createRoute } from "@hono/zod-openapi";
import {
  botTokenListSchema,
  createBotTokenSchema,
  createdBotTokenSchema,
  revokeBotTokenSchema,
  revokedBotTokenSchema,
} from "../../types";
import { requireAdmin } from "../auth";
import { credentialsStub, hashToken, newBotToken } from "../credentials/tokens";
import { jsonBodyGate, unwrap } from "../http";
import { ADMIN, AUTH_ERRORS, apiRouter, BODY_ERRORS, errors, json, jsonBody, query } from "../openapi";

/** Named bot tokens, created and revoked with the admin token, without a redeploy. */
export const credentials = apiRouter();

credentials.use("/api/admin/tokens", requireAdmin);
credentials.use("/api/admin/tokens/*", requireAdmin);

credentials.openapi(
  createRoute({
    method: "get",
    path: "/api/admin/tokens",
    summary: "The named bot tokens (never their secrets or hashes)",
    request: { query: query() },
    responses: { 200: json(botTokenListSchema, "every named token"), ...errors(...AUTH_ERRORS) },
    security: ADMIN,
  }),
  async (c) => c.json({ tokens: unwrap(c, await credentialsStub(c.env).list()) }, 200),
);

/** Answers the token once; only its hash is kept, so it cannot be shown again. */
credentials.openapi(
  createRoute({
    method: "post",
    path: "/api/admin/tokens",
    summary: "Create a named bot token for some entities (or *); the secret is answered once",
    middleware: [jsonBodyGate],
    request: { query: query(), body: jsonBody(createBotTokenSchema) },
    responses: {
      201: json(createdBotTokenSchema, "the new token, shown this once"),
      ...errors(...AUTH_ERRORS, ...BODY_ERRORS, "conflict"),
    },
    security: ADMIN,
  }),
  async (c) => {
    const { name, entities } = c.req.valid("json");
    const token = newBotToken();
    const info = unwrap(c, await credentialsStub(c.env).create(name, entities, await hashToken(token)));
    return c.json({ success: true as const, token, info }, 201);
  },
);

credentials.openapi(
  createRoute({
    method: "post",
    path: "/api/admin/tokens/revoke",
    summary: "Revoke a named bot token; it stops working at once",
    middleware: [jsonBodyGate],
    request: { query: query(), body: jsonBody(revokeBotTokenSchema) },
    responses: {
      200: json(revokedBotTokenSchema, "the token as it now stands"),
      ...errors(...AUTH_ERRORS, ...BODY_ERRORS, "not_found"),
    },
    security: ADMIN,
  }),
  async (c) =>
    c.json(
      { success: true as const, info: unwrap(c, await credentialsStub(c.env).revoke(c.req.valid("json").name)) },
      200,
    ),
);
