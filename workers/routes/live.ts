import { Hono } from "hono";
import { LIVE, type LiveParams, liveQuerySchema, parseUserFilters } from "../../types";
import type { AppEnv } from "../app-env";
import { roomStub } from "../context";
import { HttpError } from "../errors";
import { readQuery } from "../http";
import { LIVE_PARAMS_HEADER } from "../room/live";

export const live = new Hono<AppEnv>();

/**
 * `GET /api/live?room=…&cursor=N&type=…&u=…` with `Upgrade: websocket`: validated here, then
 * handed to the room, which accepts the socket (hibernatable) and sends what the cursor missed.
 */
live.get("/api/live", async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    throw new HttpError("upgrade_required", "GET /api/live is a WebSocket: send Upgrade: websocket");
  }
  const q = readQuery(c, liveQuerySchema);
  const users = parseUserFilters(q.u);
  if (users.length > LIVE.maxFilterUsers) {
    throw new HttpError("invalid_input", `a live subscription filters by at most ${LIVE.maxFilterUsers} user pairs`);
  }
  const params: LiveParams = { room: c.var.room, cursor: q.cursor, filter: { channel: q.type, users } };
  const headers = new Headers({ upgrade: "websocket", [LIVE_PARAMS_HEADER]: JSON.stringify(params) });
  return roomStub(c).fetch(new Request("https://room.internal/live", { headers }));
});
