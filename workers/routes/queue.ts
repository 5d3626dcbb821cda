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
import { requireAdmin, requireBot, requireEntity } from "../auth";
import { roomStub } from "../context";
import { HttpError } from "../errors";
import { readJson, readQuery, unwrap } from "../http";

/** The leased work queue for bots (bot token) and the operator's hand controls (admin token). */
export const queue = new Hono<AppEnv>();

queue.use("/api/queue/*", requireBot);
queue.use("/api/admin/*", requireAdmin);

queue.get("/api/queue/pending", async (c) => {
  const q = readQuery(c, pendingQuerySchema);
  const scope = c.var.scope;
  if (q.entity) requireEntity(c, q.entity, "list the queue of");
  else if (scope !== "*") {
    // The Room lists one entity or all; a token for one entity gets that one's queue.
    if (scope.length !== 1) {
      throw new HttpError("forbidden", `token "${c.var.callerName}" covers several entities: name one with ?entity=`);
    }
    q.entity = scope[0];
  }
  return c.json({ pending: unwrap(c, await roomStub(c).pending(c.var.room, q)) });
});

queue.post("/api/queue/claim", async (c) => {
  const req = await readJson(c, claimRequestSchema);
  const claim = unwrap(c, await roomStub(c).claim(c.var.room, req, c.var.scope));
  return c.json({ success: true, ...claim });
});

queue.post("/api/queue/claim-next", async (c) => {
  const req = await readJson(c, claimNextRequestSchema);
  // A scoped token claims only its entities: asking for others is refused, asking for none means its own.
  const scope = c.var.scope;
  if (scope !== "*") {
    for (const entity of req.entities ?? []) requireEntity(c, entity, "claim");
    req.entities ??= [...scope];
  }
  const claim = unwrap(c, await roomStub(c).claimNext(c.var.room, req));
  return claim ? c.json({ success: true, ...claim }) : c.body(null, 204);
});

queue.post("/api/queue/heartbeat", async (c) => {
  const req = await readJson(c, heartbeatRequestSchema);
  return c.json({ success: true, lease: unwrap(c, await roomStub(c).heartbeat(c.var.room, req, c.var.scope)) });
});

/** The reply's text so far, shown to subscribers as a draft; renews the lease like heartbeat. */
queue.post("/api/queue/progress", async (c) => {
  const req = await readJson(c, progressRequestSchema);
  return c.json({ success: true, lease: unwrap(c, await roomStub(c).progress(c.var.room, req, c.var.scope)) });
});

queue.post("/api/queue/complete", async (c) => {
  const req = await readJson(c, completeRequestSchema);
  return c.json({ success: true, reply: unwrap(c, await roomStub(c).complete(c.var.room, req, c.var.scope)) });
});

queue.post("/api/queue/fail", async (c) => {
  const req = await readJson(c, failRequestSchema);
  return c.json({ success: true, ...unwrap(c, await roomStub(c).fail(c.var.room, req, c.var.scope)) });
});

queue.post("/api/queue/release", async (c) => {
  const req = await readJson(c, releaseRequestSchema);
  unwrap(c, await roomStub(c).release(c.var.room, req, c.var.scope));
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
