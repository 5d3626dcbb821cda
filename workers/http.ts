import type { Context, MiddlewareHandler } from "hono";
import type { z } from "zod";
import { LIMITS } from "../types";
import type { AppEnv } from "./app-env";
import { HttpError, type RoomResult } from "./errors";

/**
 * Runs before a declared JSON body is validated: 415 for another content type, 413 past 64 KB
 * (declared or actual). The body stays cached for the validator.
 */
export const jsonBodyGate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(type)) {
    throw new HttpError("unsupported_media_type", "Content-Type must be application/json");
  }
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > LIMITS.bodyMaxBytes) throw tooLarge();
  // Read as text, which Hono caches for the validator's c.req.json(): the body is decoded and
  // parsed once. Not JSON: Hono's 400, answered as invalid_input by the router's error handler.
  const text = await c.req.text();
  // A UTF-8 byte is at most one UTF-16 unit and a unit at most 3 bytes: encode only when in doubt.
  const maybeTooLarge = text.length * 3 > LIMITS.bodyMaxBytes;
  if (maybeTooLarge && new TextEncoder().encode(text).byteLength > LIMITS.bodyMaxBytes) throw tooLarge();
  await next();
};

/** The 400 every failed validation answers: each issue's path and message, and the issues themselves. */
export function invalidInput(what: string, issues: z.core.$ZodIssue[]): HttpError {
  const summary = issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ");
  return new HttpError("invalid_input", `${what}: ${summary}`, issues);
}

function tooLarge(): HttpError {
  return new HttpError("too_large", `Body is larger than ${LIMITS.bodyMaxBytes / 1024} KB`);
}

/** Unwraps a Room result: records its storage work and turns a domain failure into HttpError. */
export function unwrap<T>(c: Context<AppEnv>, result: RoomResult<T>): T {
  c.var.metrics.addUsage(result.usage);
  if (!result.ok) {
    const headers = result.retryAfter ? { "Retry-After": String(result.retryAfter) } : undefined;
    throw new HttpError(result.code, result.error, undefined, headers);
  }
  return result.value;
}
