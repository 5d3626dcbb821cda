import type { Context } from "hono";
import type { z } from "zod";
import { LIMITS } from "../types";
import type { AppEnv } from "./app-env";
import { HttpError, type RoomResult } from "./errors";

/** Reads and validates a JSON body: 415 for another content type, 413 past 64 KB, 400 otherwise. */
export async function readJson<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<z.infer<S>> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(type)) {
    throw new HttpError("unsupported_media_type", "Content-Type must be application/json");
  }
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > LIMITS.bodyMaxBytes) throw tooLarge();
  const bytes = await c.req.arrayBuffer();
  if (bytes.byteLength > LIMITS.bodyMaxBytes) throw tooLarge();
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new HttpError("invalid_input", "Body is not valid JSON");
  }
  return parseWith(schema, body, "Invalid request body");
}

/** Validates query parameters (`?a=1&b=2`) against a schema: 400 with the issues on failure. */
export function readQuery<S extends z.ZodType>(c: Context<AppEnv>, schema: S): z.infer<S> {
  return parseWith(schema, c.req.query(), "Invalid query parameters");
}

function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const summary = parsed.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ");
    throw new HttpError("invalid_input", `${what}: ${summary}`, parsed.error.issues);
  }
  return parsed.data;
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
