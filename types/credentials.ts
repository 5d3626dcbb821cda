import { z } from "zod";
import { entityIdSchema, storedEntityIdSchema } from "./message.ts";

/**
 * Named bot tokens (O7): each says who is calling and which entities it may claim and
 * speak as. `"*"` covers every entity (the legacy `BOT_TOKEN` is such a token).
 */
export const ALL_ENTITIES = "*" as const;

/** Names an operator reads in audit trails; `admin` and `BOT_TOKEN` are taken by the two secrets. */
const tokenNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, "a token name is 1–64 letters, digits, '_', '.' or '-'")
  .refine((n) => n !== "admin" && n !== "BOT_TOKEN", "'admin' and 'BOT_TOKEN' name the configured secrets");

const scopeOf = (id: z.ZodType<string>) =>
  z.union([z.literal(ALL_ENTITIES), z.array(id).min(1, "name at least one entity, or '*' for all").max(100)]);

/** The entities a new token may speak for: each named by a valid entity id. */
export const entityScopeSchema = scopeOf(entityIdSchema);
export type EntityScope = z.infer<typeof entityScopeSchema>;
/** A scope as stored and listed: tokens created before the entity id rule keep their names. */
export const storedEntityScopeSchema = scopeOf(storedEntityIdSchema);

/** `POST /api/admin/tokens` (admin token). */
export const createBotTokenSchema = z.object({ name: tokenNameSchema, entities: entityScopeSchema });

/** `POST /api/admin/tokens/revoke` (admin token). */
export const revokeBotTokenSchema = z.object({ name: tokenNameSchema });

/** A token as listed: never its secret or its hash. */
const botTokenInfoSchema = z.object({
  name: z.string(),
  entities: storedEntityScopeSchema,
  createdAt: z.number().int(),
  revokedAt: z.number().int().nullable(),
});
export type BotTokenInfo = z.infer<typeof botTokenInfoSchema>;

/** The one answer that carries the secret: shown once, stored only as a hash. */
export const createdBotTokenSchema = z.object({
  success: z.literal(true),
  token: z.string(),
  info: botTokenInfoSchema,
});
export const botTokenListSchema = z.object({ tokens: z.array(botTokenInfoSchema) });
export const revokedBotTokenSchema = z.object({ success: z.literal(true), info: botTokenInfoSchema });

/** Whether a scope lets its holder act for `entity` (a message with no entity is nobody's). */
export function scopeCovers(scope: EntityScope, entity: string | null | undefined): boolean {
  if (scope === ALL_ENTITIES) return true;
  return entity != null && scope.includes(entity);
}
