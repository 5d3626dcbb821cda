// The fuzzed routes: one entry per route the Worker declares (fuzz-routes.test.ts checks that
// against the OpenAPI document). Split into groups, one test file each: in vitest-pool-workers
// every fetch in a file gets slower than the one before (a harness effect that a bare asset fetch
// shows too), so four short files cost far less than one long one.
import type { z } from "zod";
import {
  adminFailSchema,
  adminRequeueSchema,
  auditQuerySchema,
  claimNextRequestSchema,
  claimRequestSchema,
  commentsQuerySchema,
  completeRequestSchema,
  contextQuerySchema,
  createBotTokenSchema,
  failRequestSchema,
  heartbeatRequestSchema,
  liveQuerySchema,
  messageInputSchema,
  messagePatchSchema,
  muteRequestSchema,
  pendingQuerySchema,
  progressRequestSchema,
  releaseRequestSchema,
  removeRequestSchema,
  restoreRequestSchema,
  revokeBotTokenSchema,
  sceneSettingsSchema,
  statusQuerySchema,
  unmuteRequestSchema,
} from "../../../types";
import { ADMIN_TOKEN, BOT_TOKEN } from "../client";

export type FuzzGroup = "public" | "queue" | "admin" | "moderation";

export interface Route {
  name: string;
  /** Which test file fuzzes it (see workers/test/fuzz-*.test.ts). */
  group: FuzzGroup;
  method: "GET" | "POST" | "PATCH" | "PUT";
  /** A path template; `:id` is filled with a generated message id. */
  path: string;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The token that is allowed; runs also try none, a wrong one and a token scoped to `sage`. */
  token?: string;
  upgrade?: boolean;
}

export const ROUTES: Route[] = [
  { name: "GET /api/comments", group: "public", method: "GET", path: "/api/comments", query: commentsQuerySchema },
  {
    name: "GET /api/comments/status",
    group: "public",
    method: "GET",
    path: "/api/comments/status",
    query: statusQuerySchema,
  },
  {
    name: "POST /api/comments",
    group: "public",
    method: "POST",
    path: "/api/comments",
    body: messageInputSchema,
    token: BOT_TOKEN,
  },
  {
    name: "PATCH /api/comments/:id",
    group: "public",
    method: "PATCH",
    path: "/api/comments/:id",
    body: messagePatchSchema,
    token: BOT_TOKEN,
  },
  { name: "GET /api/live", group: "public", method: "GET", path: "/api/live", query: liveQuerySchema, upgrade: true },
  {
    name: "GET /api/queue/pending",
    group: "queue",
    method: "GET",
    path: "/api/queue/pending",
    query: pendingQuerySchema,
    token: BOT_TOKEN,
  },
  {
    name: "POST /api/queue/claim",
    group: "queue",
    method: "POST",
    path: "/api/queue/claim",
    body: claimRequestSchema,
    token: BOT_TOKEN,
  },
  {
    name: "POST /api/queue/claim-next",
    group: "queue",
    method: "POST",
    path: "/api/queue/claim-next",
    body: claimNextRequestSchema,
    token: BOT_TOKEN,
  },
  {
    name: "POST /api/queue/heartbeat",
    group: "queue",
    method: "POST",
    path: "/api/queue/heartbeat",
    body: heartbeatRequestSchema,
    token: BOT_TOKEN,
  },
  {
    name: "POST /api/queue/complete",
    group: "queue",
    method: "POST",
    path: "/api/queue/complete",
    body: completeRequestSchema,
    token: BOT_TOKEN,
  },
  {
    name: "POST /api/queue/fail",
    group: "queue",
    method: "POST",
    path: "/api/queue/fail",
    body: failRequestSchema,
    token: BOT_TOKEN,
  },
  {
    name: "POST /api/queue/release",
    group: "queue",
    method: "POST",
    path: "/api/queue/release",
    body: releaseRequestSchema,
    token: BOT_TOKEN,
  },
  {
    name: "GET /api/queue/context",
    group: "queue",
    method: "GET",
    path: "/api/queue/context",
    query: contextQuerySchema,
    token: BOT_TOKEN,
  },
  { name: "GET /api/admin/scene", group: "admin", method: "GET", path: "/api/admin/scene", token: ADMIN_TOKEN },
  {
    name: "PUT /api/admin/scene",
    group: "admin",
    method: "PUT",
    path: "/api/admin/scene",
    body: sceneSettingsSchema,
    token: ADMIN_TOKEN,
  },
  {
    name: "POST /api/admin/requeue",
    group: "admin",
    method: "POST",
    path: "/api/admin/requeue",
    body: adminRequeueSchema,
    token: ADMIN_TOKEN,
  },
  {
    name: "POST /api/admin/fail",
    group: "admin",
    method: "POST",
    path: "/api/admin/fail",
    body: adminFailSchema,
    token: ADMIN_TOKEN,
  },
  { name: "GET /api/admin/tokens", group: "admin", method: "GET", path: "/api/admin/tokens", token: ADMIN_TOKEN },
  {
    name: "POST /api/admin/tokens",
    group: "admin",
    method: "POST",
    path: "/api/admin/tokens",
    body: createBotTokenSchema,
    token: ADMIN_TOKEN,
  },
  {
    name: "POST /api/admin/tokens/revoke",
    group: "admin",
    method: "POST",
    path: "/api/admin/tokens/revoke",
    body: revokeBotTokenSchema,
    token: ADMIN_TOKEN,
  },
  { name: "GET /api/entities", group: "public", method: "GET", path: "/api/entities" },
  { name: "GET /api/stats", group: "public", method: "GET", path: "/api/stats" },
  { name: "GET /api/heartbeat", group: "public", method: "GET", path: "/api/heartbeat" },
  { name: "GET /api/health", group: "public", method: "GET", path: "/api/health" },
  {
    name: "POST /api/queue/progress",
    group: "queue",
    method: "POST",
    path: "/api/queue/progress",
    body: progressRequestSchema,
    token: BOT_TOKEN,
  },
  {
    name: "POST /api/admin/remove",
    group: "moderation",
    method: "POST",
    path: "/api/admin/remove",
    body: removeRequestSchema,
    token: ADMIN_TOKEN,
  },
  {
    name: "POST /api/admin/restore",
    group: "moderation",
    method: "POST",
    path: "/api/admin/restore",
    body: restoreRequestSchema,
    token: ADMIN_TOKEN,
  },
  {
    name: "POST /api/admin/mute",
    group: "moderation",
    method: "POST",
    path: "/api/admin/mute",
    body: muteRequestSchema,
    token: ADMIN_TOKEN,
  },
  {
    name: "POST /api/admin/unmute",
    group: "moderation",
    method: "POST",
    path: "/api/admin/unmute",
    body: unmuteRequestSchema,
    token: ADMIN_TOKEN,
  },
  { name: "GET /api/admin/mutes", group: "moderation", method: "GET", path: "/api/admin/mutes", token: ADMIN_TOKEN },
  {
    name: "GET /api/admin/audit",
    group: "moderation",
    method: "GET",
    path: "/api/admin/audit",
    query: auditQuerySchema,
    token: ADMIN_TOKEN,
  },
  { name: "GET /api/admin/export", group: "admin", method: "GET", path: "/api/admin/export", token: ADMIN_TOKEN },
  { name: "GET /api/openapi.json", group: "public", method: "GET", path: "/api/openapi.json" },
  { name: "GET /api/docs", group: "public", method: "GET", path: "/api/docs" },
];
