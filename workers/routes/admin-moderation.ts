import { type Context, Hono } from "hono";
import {
  auditQuerySchema,
  muteRequestSchema,
  removeRequestSchema,
  restoreRequestSchema,
  unmuteRequestSchema,
} from "../../types";
import type { AppEnv } from "../app-env";
import { requireAdmin } from "../auth";
import { roomStub } from "../context";
import { readJson, readQuery, unwrap } from "../http";

/** Moderation (issue 15): remove / restore messages, mute / unmute posters, the audit trail. Admin token only. */
export const adminModeration = new Hono<AppEnv>();

adminModeration.use("/api/admin/*", requireAdmin);

/** Who acted, for the audit trail. Today the one admin token; named operator tokens can name themselves here. */
function operatorName(c: Context<AppEnv>): string {
  return c.var.caller === "admin" ? "admin" : c.var.caller;
}

adminModeration.post("/api/admin/remove", async (c) => {
  const req = await readJson(c, removeRequestSchema);
  const outcome = unwrap(c, await roomStub(c).remove(c.var.room, req, operatorName(c)));
  return c.json({ success: true, message: outcome.message, changed: outcome.changed });
});

adminModeration.post("/api/admin/restore", async (c) => {
  const { messageId } = await readJson(c, restoreRequestSchema);
  const outcome = unwrap(c, await roomStub(c).restore(c.var.room, messageId, operatorName(c)));
  return c.json({ success: true, message: outcome.message, changed: outcome.changed });
});

adminModeration.post("/api/admin/mute", async (c) => {
  const req = await readJson(c, muteRequestSchema);
  return c.json({ success: true, mute: unwrap(c, await roomStub(c).mute(c.var.room, req, operatorName(c))) });
});

adminModeration.post("/api/admin/unmute", async (c) => {
  const { target } = await readJson(c, unmuteRequestSchema);
  return c.json({ success: true, ...unwrap(c, await roomStub(c).unmute(c.var.room, target, operatorName(c))) });
});

adminModeration.get("/api/admin/mutes", async (c) => {
  return c.json({ mutes: unwrap(c, await roomStub(c).activeMutes(c.var.room)) });
});

adminModeration.get("/api/admin/audit", async (c) => {
  const { limit } = readQuery(c, auditQuerySchema);
  return c.json({ entries: unwrap(c, await roomStub(c).auditTrail(c.var.room, limit)) });
});
