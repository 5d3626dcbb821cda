import { Hono } from "hono";
import {
  adminFailSchema,
  adminRequeueSchema,
  claimNextRequestSchema,
  claimRequestSchema,
  completeRequestSchema,
  failRequestSchema,
  heartbeatRequestSchema,
  pendingQuerySchema,
  progressRequestSchema,
  releaseRequestSchema,
} from "../../types";
import type { AppEnv } from "../app-env";
import { requireAdmin, requireBot } from "../auth";
import { roomStub } from "../context";
import { readJson, readQuery, unwrap } from "../http";

/** The leased work queue for bots (bot token) and the operator's hand controls (admin token). */
export const queue = new Hono<AppEnv>();

queue.use("/api/queue/*", requireBot);
queue.use("/api/admin/*", requireAdmin);

queue.get("/api/queue/pending", async (c) => {
  const q = readQuery(c, pendingQuerySchema);
  return c.json({ pending: unwrap(c, await roomStub(c).pending(c.var.room, q)) });
});

queue.post("/api/queue/claim", async (c) => {
  const req = await readJson(c, claimRequestSchema);
  const claim = unwrap(c, await roomStub(c).claim(c.var.room, req));
  return c.json({ success: true, ...claim });
});

queue.post("/api/queue/claim-next", async (c) => {
  const req = await readJson(c, claimNextRequestSchema);
  const claim = unwrap(c, await roomStub(c).claimNext(c.var.room, req));
  return claim ? c.json({ success: true, ...claim }) : c.body(null, 204);
});

queue.post("/api/queue/heartbeat", async (c) => {
  const req = await readJson(c, heartbeatRequestSchema);
  return c.json({ success: true, lease: unwrap(c, await roomStub(c).heartbeat(c.var.room, req)) });
});

/** The reply's text so far, shown to subscribers as a draft; renews the lease like heartbeat. */
queue.post("/api/queue/progress", async (c) => {
  const req = await readJson(c, progressRequestSchema);
  return c.json({ success: true, lease: unwrap(c, await roomStub(c).progress(c.var.room, req)) });
});

queue.post("/api/queue/complete", async (c) => {
  const req = await readJson(c, completeRequestSchema);
  return c.json({ success: true, reply: unwrap(c, await roomStub(c).complete(c.var.room, req)) });
});

queue.post("/api/queue/fail", async (c) => {
  const req = await readJson(c, failRequestSchema);
  return c.json({ success: true, ...unwrap(c, await roomStub(c).fail(c.var.room, req)) });
});

queue.post("/api/queue/release", async (c) => {
  const req = await readJson(c, releaseRequestSchema);
  unwrap(c, await roomStub(c).release(c.var.room, req));
  return c.json({ success: true });
});

queue.post("/api/admin/requeue", async (c) => {
  const { messageId } = await readJson(c, adminRequeueSchema);
  return c.json({ success: true, message: unwrap(c, await roomStub(c).requeue(c.var.room, messageId)) });
});

queue.post("/api/admin/fail", async (c) => {
  const { messageId, error } = await readJson(c, adminFailSchema);
  return c.json({ success: true, message: unwrap(c, await roomStub(c).failByHand(c.var.room, messageId, error)) });
});
