import { createRoute } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { type LiveParams, liveQuerySchema } from "../../types";
import type { AppEnv } from "../app-env";
import { clientAddress, roomStub } from "../context";
import { HttpError } from "../errors";
import { apiRouter, errors, query } from "../openapi";
import { LIVE_PARAMS_HEADER } from "../room/live";
import { userFiltersParam } from "../user-filters";

export const live = apiRouter();

/** Runs before the query is validated, so a plain GET learns first that this is a WebSocket. */
const requireUpgrade: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    throw new HttpError("upgrade_required", "GET /api/live is a WebSocket: send Upgrade: websocket");
  }
  await next();
};

const liveRoute = createRoute({
  method: "get",
  path: "/api/live",
  summary:
    "WebSocket (send `Upgrade: websocket`): what the cursor missed, then new messages, queue changes, presence and drafts as JSON frames (types/live.ts)",
  middleware: [requireUpgrade],
  request: { query: query(liveQuerySchema) },
  responses: {
    101: { description: "Switching Protocols: the socket is open; the first frame is `hello`" },
    ...errors("upgrade_required"),
  },
});

/**
 * `GET /api/live?room=…&cursor=N&type=…&u=…` with `Upgrade: websocket`: validated here, then
 * handed to the room, which accepts the socket (hibernatable) and sends what the cursor missed.
 */
live.openapi(liveRoute, async (c) => {
  const q = c.req.valid("query");
  const users = userFiltersParam(q.u);
  // The client address as Cloudflare reports it (as for post rate limits): the room caps the
  // sockets one address holds (LIVE.maxSocketsPerAddress) and drops a muted address's typing.
  const params: LiveParams = {
    cursor: q.cursor,
    rev: q.rev,
    filter: { channel: q.type, users },
    address: clientAddress(c),
  };
  const headers = new Headers({ upgrade: "websocket", [LIVE_PARAMS_HEADER]: JSON.stringify(params) });
  return roomStub(c).fetch(new Request("https://room.internal/live", { headers }));
});
