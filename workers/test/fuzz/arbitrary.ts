import fc from "fast-check";
import { z } from "zod";

/**
 * Inputs for the route fuzzer, generated from the zod schemas of `types/` (through their JSON
 * Schema, so a schema change changes what is generated) and then mutated: fields dropped, wrong
 * types, huge and unicode strings, extra fields, bad JSON, the wrong content type.
 */

export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
}

/** Values worth trying for fields by name (ids that exist, a live lease), so requests reach the Room. */
export type Hints = Record<string, fc.Arbitrary<unknown>>;

const INT32 = 2 ** 31 - 1;

/**
 * Names every JavaScript object already has. A Worker that used one of them, sent as a string, as
 * a key of a plain object would write onto Object.prototype and break every later request.
 */
export const PROTOTYPE_KEYS = ["__proto__", "constructor", "prototype"] as const;
const prototypeKey = fc.constantFrom(...PROTOTYPE_KEYS);

export function fromZod(schema: z.ZodType, hints: Hints = {}): fc.Arbitrary<unknown> {
  return fromJsonSchema(jsonSchemaOf(schema), hints);
}

function fromJsonSchema(s: JsonSchema, hints: Hints, key?: string): fc.Arbitrary<unknown> {
  const base = plain(s, hints);
  const hint = key ? hints[key] : undefined;
  const value = hint ? fc.oneof({ arbitrary: hint, weight: 3 }, { arbitrary: base, weight: 1 }) : base;
  // Every string field, whatever its pattern or hint, is sometimes a prototype name.
  return s.type === "string"
    ? fc.oneof({ arbitrary: value, weight: 5 }, { arbitrary: prototypeKey, weight: 1 })
    : value;
}

/** The JSON Schema a zod schema generates from, as the fuzzer reads it. */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
}

/**
 * Where a schema has string fields: object keys, with `0` for an array's items (`["botParams",
 * "entity"]`, `["entities", 0]`). `anyOf` branches are all followed.
 */
export function stringPaths(s: JsonSchema, at: (string | number)[] = []): (string | number)[][] {
  if (s.type === "string" || (s.enum ?? []).some((v) => typeof v === "string")) return [at];
  if (s.anyOf) return s.anyOf.flatMap((branch) => stringPaths(branch, at));
  if (s.type === "array" && s.items) return stringPaths(s.items, [...at, 0]);
  if (s.type === "object") {
    return Object.entries(s.properties ?? {}).flatMap(([k, v]) => stringPaths(v, [...at, k]));
  }
  return [];
}

/** A copy of `value` with `replacement` at `path`, creating the objects and arrays on the way. */
export function withValueAt(value: unknown, path: readonly (string | number)[], replacement: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return replacement;
  if (typeof head === "number") {
    const array = Array.isArray(value) ? [...value] : [];
    array[head] = withValueAt(array[head], rest, replacement);
    return array;
  }
  // The keys here come from a schema's properties, which never include `__proto__`.
  const object = value && typeof value === "object" && !Array.isArray(value) ? { ...(value as Dict) } : {};
  object[head] = withValueAt(object[head], rest, replacement);
  return object;
}

function plain(s: JsonSchema, hints: Hints): fc.Arbitrary<unknown> {
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  if (s.anyOf) return fc.oneof(...s.anyOf.map((x) => fromJsonSchema(x, hints)));
  switch (s.type) {
    case "string": {
      const maxLength = Math.min(s.maxLength ?? 200, 2000);
      if (s.pattern) return fc.stringMatching(new RegExp(s.pattern)).map((v) => v.slice(0, maxLength));
      const size = { minLength: s.minLength ?? 0, maxLength: Math.min(maxLength, 80) };
      return fc.oneof(fc.string(size), fc.string({ ...size, unit: "grapheme" }));
    }
    case "integer": {
      const min = Math.max(s.minimum ?? -INT32, -INT32);
      const max = Math.min(s.maximum ?? INT32, INT32);
      return fc.oneof(fc.integer({ min, max }), fc.constantFrom(s.minimum ?? 0, s.maximum ?? 0));
    }
    case "number":
      return fc.double({ min: s.minimum ?? -1e9, max: s.maximum ?? 1e9, noNaN: true, noDefaultInfinity: true });
    case "boolean":
      return fc.boolean();
    case "array":
      return fc.array(fromJsonSchema(s.items ?? {}, hints), {
        minLength: s.minItems ?? 0,
        maxLength: Math.max(s.minItems ?? 0, Math.min(s.maxItems ?? 4, 4)),
      });
    case "object": {
      const props = s.properties ?? {};
      const model = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, fromJsonSchema(v, hints, k)]));
      return fc.record(model, { requiredKeys: (s.required ?? []).filter((k) => k in props) });
    }
    default:
      return fc.jsonValue();
  }
}

/** Values of the wrong kind, or the right kind at sizes and in scripts a schema must survive. */
export const nasty: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, 0, -1, 1e308, -0, "", " ", "\u0000", "null", "[]", "{}", "<script>", ...PROTOTYPE_KEYS),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.integer().map((n) => String(n)),
  fc.double(),
  fc.constantFrom(3000, 70_000).map((n) => "x".repeat(n)),
  fc.constantFrom(600, 3000).map((n) => "\u{1F600}\u0301".repeat(n)),
  fc.array(fc.jsonValue(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue(), { maxKeys: 3 }),
  fc.constant(JSON.parse(`${"[".repeat(200)}${"]".repeat(200)}`)),
);

type Dict = Record<string, unknown>;

/** A generated object, then one of: unchanged, a field dropped, a field made nasty, an extra field. */
export function mutatedObject(valid: fc.Arbitrary<unknown>, keys: readonly string[]): fc.Arbitrary<unknown> {
  // Extra fields are sometimes prototype names too: the JSON then carries `"__proto__": …` as a key.
  const anyKey = fc.oneof(fc.constantFrom(...(keys.length ? keys : ["x"])), fc.string({ maxLength: 8 }), prototypeKey);
  return fc.oneof(
    { arbitrary: valid, weight: 4 },
    fc.tuple(valid, anyKey).map(([v, k]) => {
      const copy = { ...(v as Dict) };
      delete copy[k];
      return copy;
    }),
    { arbitrary: fc.tuple(valid, anyKey, nasty).map(([v, k, bad]) => ({ ...(v as Dict), [k]: bad })), weight: 3 },
    fc.tuple(valid, fc.string({ minLength: 1, maxLength: 12 }), fc.jsonValue()).map(([v, k, extra]) => ({
      ...(v as Dict),
      [k]: extra,
    })),
    { arbitrary: nasty, weight: 1 },
  );
}

export interface RawBody {
  text: string;
  contentType: string;
}

/** How the body goes on the wire: JSON mostly; sometimes broken JSON, another type, or over 64 KB. */
export function wireBody(value: fc.Arbitrary<unknown>): fc.Arbitrary<RawBody> {
  const json = value.map((v) => ({ text: JSON.stringify(v) ?? "null", contentType: "application/json" }));
  return fc.oneof(
    { arbitrary: json, weight: 8 },
    json.chain((b) =>
      fc.nat({ max: Math.max(0, b.text.length - 1) }).map((cut) => ({ ...b, text: b.text.slice(0, cut) })),
    ),
    fc.string({ unit: "grapheme", maxLength: 30 }).map((text) => ({ text, contentType: "application/json" })),
    json.chain((b) =>
      fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "").map((t) => ({ ...b, contentType: t })),
    ),
    json.map((b) => ({ ...b, contentType: "application/json; charset=utf-8" })),
    fc.constant({ text: `{"text":"${"y".repeat(70_000)}"}`, contentType: "application/json" }),
  );
}

/** A query string from a generated object; values become strings as a browser would send them. */
export function queryString(value: unknown): string {
  const params = new URLSearchParams();
  if (value && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Dict)) {
      if (v === undefined) continue;
      params.append(k, typeof v === "string" ? v : JSON.stringify(v));
    }
  } else {
    params.append("q", JSON.stringify(value) ?? "");
  }
  return params.toString();
}

/**
 * Keeps runs independent of the clock: a valid `wait` (a long-poll) becomes 0 and a valid
 * `leaseSeconds` the maximum, so no lease expires mid-run and moves a message on its own.
 * Invalid values stay, to be refused.
 */
export function noTimers<T>(value: T): T {
  if (!value || typeof value !== "object" || Array.isArray(value)) return value;
  const v = { ...(value as Dict) };
  const wait = typeof v.wait === "string" ? Number(v.wait) : v.wait;
  if (typeof wait === "number" && wait > 0 && wait <= 25) v.wait = typeof v.wait === "string" ? "0" : 0;
  if (typeof v.leaseSeconds === "number" && v.leaseSeconds >= 5 && v.leaseSeconds <= 600) v.leaseSeconds = 600;
  return v as T;
}

/** A color the contract accepts (`RRRGGGBBB`, each 000–255): JSON Schema cannot say "≤ 255". */
export const validColor: fc.Arbitrary<string> = fc
  .tuple(fc.nat(255), fc.nat(255), fc.nat(255))
  .map((channels) => channels.map((c) => String(c).padStart(3, "0")).join(""));
