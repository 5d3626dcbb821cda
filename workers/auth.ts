import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv, Caller } from "./app-env";
import { HttpError } from "./errors";

/** Who is calling, from `Authorization: Bearer <token>`: the admin token, the bot token, or nobody. */
export function identify(c: Context<AppEnv>): Caller {
  const header = c.req.header("authorization") ?? "";
  const token = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
  if (!token) return "anonymous";
  if (c.env.ADMIN_TOKEN && timingSafeEqual(token, c.env.ADMIN_TOKEN)) return "admin";
  if (c.env.BOT_TOKEN && timingSafeEqual(token, c.env.BOT_TOKEN)) return "bot";
  return "anonymous";
}

/** Rejects callers without the bot (or admin) token: 401 when none was sent, 403 when wrong. */
export function requireCaller(c: Context<AppEnv>, allowed: "bot" | "admin"): void {
  const caller = c.var.caller;
  if (caller === "admin" || (allowed === "bot" && caller === "bot")) return;
  if (!c.env.BOT_TOKEN && !c.env.ADMIN_TOKEN) {
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
