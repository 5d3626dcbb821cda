import { z } from "zod";
import { aiUsernameSchema, colorSchema, entityIdSchema, LIMITS, prioritySchema } from "../../types/message.ts";

/** One AI persona. Unknown keys are errors, so a misspelt option is reported instead of silently ignored. */
export const entitySchema = z.strictObject({
  // The wire's one rule, so every id an operator writes is one the API and the URL hash accept.
  id: entityIdSchema,
  /** Up to `LIMITS.aiUsernameMax` (32): entity names run longer than people's. */
  username: aiUsernameSchema,
  color: colorSchema,
  model: z.string().min(1, "model is required").max(128),
  systemPrompt: z.string().min(1, "systemPrompt is required"),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().min(1).optional(),
  topP: z.number().gt(0).max(1).optional(),
  /**
   * How much a thinking model may reason before it answers (absent: the server's default). Sent as
   * `reasoning_effort` and the chat template's `enable_thinking`; see bot/README.md for what each
   * server honours. Thinking tokens count inside `maxTokens`.
   */
  thinking: z.enum(["off", "low", "medium", "high"]).optional(),
  /** Conversation messages in the prompt, the one being answered included. */
  contextMessages: z.number().int().min(1).max(LIMITS.contextMax).default(20),
  /**
   * Which history the prompt is built from (E9): `conversation` (the asker's and this entity's
   * messages, or the context the client sent), `thread` (the reply chain up to the human message)
   * or `room` (the room's last messages). Always at most `contextMessages`, and shown to everyone
   * as the reply's `read`.
   */
  scope: z.enum(["conversation", "thread", "room"]).default("conversation"),
  filterOut: z.array(z.string().min(1)).default([]),
  trimAfter: z.array(z.string().min(1)).default([]),
  /** The priority a client should give messages to this entity (the queue uses each message's own). */
  defaultPriority: prioritySchema.optional(),
  enabled: z.boolean().default(true),
});
export type Entity = z.infer<typeof entitySchema>;

export const entitiesFileSchema = z
  .object({ entities: z.array(entitySchema).min(1, "list at least one entity") })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.entities.forEach((entity, index) => {
      if (seen.has(entity.id)) {
        ctx.addIssue({ code: "custom", path: ["entities", index, "id"], message: `duplicate id "${entity.id}"` });
      }
      seen.add(entity.id);
    });
  });

export class EntitiesFileError extends Error {
  override name = "EntitiesFileError";
}

/** Parses the entities file's text; the error names the file and every bad field. */
export function parseEntities(text: string, fileName: string): Entity[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new EntitiesFileError(`${fileName} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = entitiesFileSchema.safeParse(json);
  if (parsed.success) return parsed.data.entities;
  const problems = parsed.error.issues.map((issue) => `  ${fieldName(issue.path, json)}: ${issue.message}`);
  throw new EntitiesFileError(`${fileName} is invalid:\n${problems.join("\n")}`);
}

/** `entities[1] (id "sage").color`: the path as a person would look for it in the file. */
function fieldName(path: PropertyKey[], json: unknown): string {
  if (path.length === 0) return "(file)";
  let name = "";
  let node: unknown = json;
  for (const key of path) {
    name += typeof key === "number" ? `[${key}]` : `${name ? "." : ""}${String(key)}`;
    node = node && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[key] : undefined;
    const id = node && typeof node === "object" ? (node as { id?: unknown }).id : undefined;
    if (typeof key === "number" && typeof id === "string") name += ` (id "${id}")`;
  }
  return name;
}
