import { z } from "zod";
import { colorSchema, messageIdSchema, messageSchema, usernameSchema } from "./message.ts";

/** Moderation (O9): limits shared by the Worker, the monitor and the tests. */
export const MODERATION = {
  reasonMax: 200,
  /** How long a removal can be undone; after it the removed text is deleted for good. */
  graceMs: 10 * 60 * 1000,
  /** One year: a mute has an end, so a forgotten one does not last forever. */
  muteMinutesMax: 365 * 24 * 60,
  auditPageMax: 500,
  defaultRemoveReason: "removed by a moderator",
  /** The queue error an addressed message gets when it is removed before it was answered. */
  removedQueueError: "removed",
} as const;

const reasonSchema = z
  .string()
  .trim()
  .max(MODERATION.reasonMax, `reason is at most ${MODERATION.reasonMax} characters`);

export const removeRequestSchema = z.object({
  messageId: messageIdSchema,
  reason: reasonSchema.optional().transform((r) => r || MODERATION.defaultRemoveReason),
});
export type RemoveRequest = z.infer<typeof removeRequestSchema>;

export const restoreRequestSchema = z.object({ messageId: messageIdSchema });

/** Who a mute stops: a client address (as the edge reports it), or one exact identity. */
const muteTargetSchema = z.union([
  z.object({ address: z.string().trim().min(1).max(64) }).strict(),
  z.object({ username: usernameSchema, color: colorSchema }).strict(),
]);
export type MuteTarget = z.infer<typeof muteTargetSchema>;

/**
 * What an operator may name when muting: a target, or `{messageId}` — the address that posted
 * that message, which the room remembers for its recent posts (in memory) and never shows on the wire.
 */
const muteRequestTargetSchema = z.union([muteTargetSchema, z.object({ messageId: messageIdSchema }).strict()]);
export type MuteRequestTarget = z.infer<typeof muteRequestTargetSchema>;

export const muteRequestSchema = z.object({
  target: muteRequestTargetSchema,
  minutes: z.number().int().min(1).max(MODERATION.muteMinutesMax),
  reason: reasonSchema.default(""),
});
export type MuteRequest = z.infer<typeof muteRequestSchema>;

export const unmuteRequestSchema = z.object({ target: muteTargetSchema });

const muteSchema = z.object({
  target: muteTargetSchema,
  until: z.number().int(),
  reason: z.string(),
  operator: z.string(),
  createdAt: z.number().int(),
});
export type Mute = z.infer<typeof muteSchema>;
export const mutesResponseSchema = z.object({ mutes: z.array(muteSchema) });
export const muteResponseSchema = z.object({ success: z.literal(true), mute: muteSchema });
export const unmuteResponseSchema = z.object({ success: z.literal(true), lifted: z.boolean() });

const auditActionSchema = z.enum(["remove", "restore", "mute", "unmute"]);
export type AuditAction = z.infer<typeof auditActionSchema>;

const auditEntrySchema = z.object({
  id: z.number().int(),
  at: z.number().int(),
  operator: z.string(),
  action: auditActionSchema,
  /** `message:<id>`, `address:<ip>` or `identity:<username>:<color>`. */
  target: z.string(),
  reason: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;
export const auditQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(MODERATION.auditPageMax).default(100),
});
/** Oldest first: the order the actions happened in. */
export const auditResponseSchema = z.object({ entries: z.array(auditEntrySchema) });

/** What remove and restore answer: the message as it now stands. */
export const moderationResultSchema = z.object({
  success: z.literal(true),
  message: messageSchema,
  /** False for a replay (removing a removed message, restoring a live one): nothing changed. */
  changed: z.boolean(),
});

/** A human-readable target, as the audit trail records it. */
export function describeTarget(target: MuteTarget | { messageId: string }): string {
  if ("messageId" in target) return `message:${target.messageId}`;
  if ("address" in target) return `address:${target.address}`;
  return `identity:${target.username}:${target.color}`;
}
