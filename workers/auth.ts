import type { Context, MiddlewareHandler } from "hono";
import { ALL_ENTITIES, type EntityScope, scopeCovers } from "../types";
import type { AppEnv, Bindings, Caller } from "./app-env";
import { config } from "./config";
import { couldBeIssued, credentialsStub, hashToken } from "./credentials/tokens";
import { HttpError } from "./errors";

export interface Identity {
  caller: Caller;
  /** For audit trails: `admin`, `BOT_TOKEN`, a named token, or null for nobody. */
  name: string | null;
  scope: EntityScope;
}

const NOBODY: Identity = { caller: "anonymous", name: null, scope: [] };

/**
 * Who is calling, from `Authorization: Bearer <token>`: the admin token, the legacy bot token
 * (every entity), a named bot token from the Credentials registry (its entities), or nobody.
 * Named tokens are looked up on every request, with no cache here, so a revoke applies at once.
 */
export async function identify(env: Bindings, authorization: string | undefined): Promise<Identity> {
  const token = /^Bearer\s+(.+)$/i.exec(authorization ?? "")?.[1]?.trim();
  if (!token) return NOBODY;
  const { ADMIN_TOKEN, BOT_TOKEN } = config(env);
  if (ADMIN_TOKEN && timingSafeEqual(token, ADMIN_TOKEN)) {
    return { caller: "admin", name: "admin", scope: ALL_ENTITIES };
  }
  if (BOT_TOKEN && timingSafeEqual(token, BOT_TOKEN)) {
    return { caller: "bot", name: "BOT_TOKEN", scope: ALL_ENTITIES };
  }
  if (!couldBeIssued(token)) return NOBODY;
  const holder = await credentialsStub(env).lookup(await hashToken(token));
  return holder ? { caller: "bot", name: holder.name, scope: holder.scope } : NOBODY;
}

/** Rejects callers without the bot (or admin) token: 401 when none was sent, 403 when wrong. */
export function requireCaller(c: Context<AppEnv>, allowed: "bot" | "admin"): void {
  const caller = c.var.caller;
  if (caller === "admin" || (allowed === "bot" && caller === "bot")) return;
  const { ADMIN_TOKEN, BOT_TOKEN } = config(c.env);
  if (!BOT_TOKEN && !ADMIN_TOKEN) {
    // No named token can exist either: they are created with the admin token.
    throw new HttpError("unavailable", "Server has no BOT_TOKEN/ADMIN_TOKEN configured (see docs/DEPLOY.md)");
  }
  const sent = Boolean(c.req.header("authorization"));
  throw new HttpError(
    sent ? "forbidden" : "unauthorized",
    sent
      ? `That token is not valid for this route (needs the ${allowed} token)`
      : `This route needs Authorization: Bearer <${allowed} token>`,
  );
}

/** 403 unless the caller's token covers `entity`: a bot speaks only for the entities it was given. */
export function requireEntity(c: Context<AppEnv>, entity: string, doing: string): void {
  if (scopeCovers(c.var.scope, entity)) return;
  throw new HttpError("forbidden", `token "${c.var.callerName}" may not ${doing} entity "${entity}"`);
}

export const requireBot: MiddlewareHandler<AppEnv> = async (c, next) => {
  requireCaller(c, "bot");
  await next();
};

export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  requireCaller(c, "admin");
  await next();
};

function timingSafeEqual(a: string, b: string): boolean {
  const enc = new TextEncoder();
  const x = enc.encode(a);
  const y = enc.encode(b);
  if (x.byteLength !== y.byteLength) return false;
  return crypto.subtle.timingSafeEqual(x, y);
}
