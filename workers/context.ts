import type { Context } from "hono";
import { DEFAULT_ROOM, roomSchema } from "../types";
import type { AppEnv } from "./app-env";
import { HttpError } from "./errors";
import type { Room } from "./room";

/** The `room` query parameter (default `global`), validated. */
export function roomName(c: Context<AppEnv>): string {
  const raw = c.req.query("room");
  if (raw === undefined || raw === "") return DEFAULT_ROOM;
  const parsed = roomSchema.safeParse(raw);
  if (!parsed.success)
    throw new HttpError("invalid_input", parsed.error.issues[0]?.message ?? "invalid room", parsed.error.issues);
  return parsed.data;
}

/** The Durable Object that owns a room: one per name, everywhere. */
export function roomStub(c: Context<AppEnv>): DurableObjectStub<Room> {
  const ns = c.env.ROOM as unknown as DurableObjectNamespace<Room>;
  return ns.get(ns.idFromName(c.var.room));
}

/** The client's IP as Cloudflare reports it; locally (no header) every client is "local". */
export function clientAddress(c: Context<AppEnv>): string {
  return c.req.header("cf-connecting-ip") ?? "local";
}
