/**
 * The few schema builders the browser's wire checks need (lib/shared/wire.ts), with zod's behaviour for
 * them: objects keep only their declared keys, `optional` keys may be missing, defaults fill in,
 * numbers are finite and integers safe, the first failing check's message is the error. The chat
 * page cannot afford zod itself: the bundler keeps all of zod's core (~85 KiB of script even from
 * `zod/mini`) for the handful of checks used here, and a phone parses and compiles every byte
 * before the page answers. lib/shared/wire.test.ts holds these to the types/ zod schemas.
 */

export interface Issue {
  path: (string | number)[];
  message: string;
}

/** Why a value was refused: every check the value failed, or the first field that failed. */
export class DecodeError extends Error {
  readonly issues: Issue[];
  constructor(issues: Issue[]) {
    super(issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; "));
    this.name = "DecodeError";
    this.issues = issues;
  }
}

export type SafeResult<T> = { success: true; data: T } | { success: false; error: DecodeError };

export interface Schema<T> {
  /** The decoded value, or a DecodeError. */
  parse(value: unknown): T;
  safeParse(value: unknown): SafeResult<T>;
  /** @internal Decodes at `path`; throws DecodeError. */
  run(value: unknown, path: (string | number)[]): T;
}

/** Made by `optional`: the key may be missing from its object. */
export type OptionalSchema<T> = Schema<T | undefined> & { readonly optional: true };

export type Infer<S> = S extends Schema<infer T> ? T : never;

function schema<T>(run: (value: unknown, path: (string | number)[]) => T): Schema<T> {
  return {
    run,
    parse: (value) => run(value, []),
    safeParse(value) {
      try {
        return { success: true, data: run(value, []) };
      } catch (error) {
        if (error instanceof DecodeError) return { success: false, error };
        throw error;
      }
    },
  };
}

const fail = (path: (string | number)[], message: string): never => {
  throw new DecodeError([{ path: [...path], message }]);
};

const typeName = (value: unknown) => (value === null ? "null" : Array.isArray(value) ? "array" : typeof value);
const expected = (what: string, value: unknown, path: (string | number)[]) =>
  fail(path, `Invalid input: expected ${what}, received ${typeName(value)}`);

/** A check on a decoded value: a message when it fails. */
export type Check<T> = (value: T) => string | null;

/** Runs every check, as zod does, so a person hears every rule a name breaks at once. */
function checked<T>(value: T, checks: Check<T>[], path: (string | number)[]): T {
  const issues: Issue[] = [];
  for (const check of checks) {
    const message = check(value);
    if (message !== null) issues.push({ path: [...path], message });
  }
  if (issues.length) throw new DecodeError(issues);
  return value;
}

export const string = (...checks: Check<string>[]) =>
  schema((v, path) => (typeof v === "string" ? checked(v, checks, path) : expected("string", v, path)));

export const number = (...checks: Check<number>[]) =>
  schema((v, path) =>
    typeof v === "number" && Number.isFinite(v) ? checked(v, checks, path) : expected("number", v, path),
  );

/** A safe integer (zod's `int()`). */
export const int = (...checks: Check<number>[]) =>
  schema((v, path) => (Number.isSafeInteger(v) ? checked(v as number, checks, path) : expected("int", v, path)));

export const boolean = () => schema((v, path) => (typeof v === "boolean" ? v : expected("boolean", v, path)));

export const unknown = () => schema((v) => v);

export const literal = <const L extends string>(value: L) =>
  schema((v, path) => (v === value ? value : fail(path, `Invalid input: expected "${value}"`)));

export const enumOf = <const L extends string>(values: readonly L[]) =>
  schema((v, path) =>
    (values as readonly unknown[]).includes(v)
      ? (v as L)
      : fail(path, `Invalid option: expected one of ${values.map((x) => `"${x}"`).join("|")}`),
  );

export const nullable = <T>(inner: Schema<T>) =>
  schema<T | null>((v, path) => (v === null ? null : inner.run(v, path)));

export const optional = <T>(inner: Schema<T>): OptionalSchema<T> => ({
  ...schema<T | undefined>((v, path) => (v === undefined ? undefined : inner.run(v, path))),
  optional: true,
});

export const withDefault = <T>(inner: Schema<T>, fallback: T) =>
  schema<T>((v, path) => (v === undefined ? structuredClone(fallback) : inner.run(v, path)));

export const array = <T>(item: Schema<T>, ...checks: Check<T[]>[]) =>
  schema<T[]>((v, path) =>
    Array.isArray(v) ? checked(items(v, item, path), checks, path) : expected("array", v, path),
  );

/** Every index, holes included (`map` would skip them). */
function items<T>(v: unknown[], item: Schema<T>, path: (string | number)[]): T[] {
  const out: T[] = new Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = item.run(v[i], [...path, i]);
  return out;
}

type Shape = Record<string, Schema<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { readonly optional: true } ? K : never }[keyof S];
type ObjectOf<S extends Shape> = {
  [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]>;
} & { [K in OptionalKeys<S>]?: Infer<S[K]> };
type Flat<T> = { [K in keyof T]: T[K] } & {};

/** The declared keys only (zod's default: unknown keys are dropped, never copied). */
export function object<S extends Shape>(shape: S, ...checks: Check<Flat<ObjectOf<S>>>[]): Schema<Flat<ObjectOf<S>>> {
  const keys = Object.keys(shape);
  return schema((v, path) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return expected("object", v, path);
    const source = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      const field = shape[key] as Schema<unknown>;
      const value = field.run(source[key], [...path, key]);
      if (value !== undefined || key in source) out[key] = value;
    }
    return checked(out as Flat<ObjectOf<S>>, checks, path);
  });
}

/** One of several objects told apart by their `type` field (zod's `discriminatedUnion("type", …)`). */
export function byType<M extends Record<string, Schema<{ type: string }>>>(variants: M): Schema<Infer<M[keyof M]>> {
  return schema((v, path) => {
    const type = typeof v === "object" && v !== null ? (v as { type?: unknown }).type : undefined;
    const variant = typeof type === "string" && Object.hasOwn(variants, type) ? variants[type] : undefined;
    if (!variant) return fail([...path, "type"], "Invalid input");
    return variant.run(v, path) as Infer<M[keyof M]>;
  });
}

/** Decodes with `inner`, then maps the result. */
export const map = <T, U>(inner: Schema<T>, f: (value: T) => U) => schema<U>((v, path) => f(inner.run(v, path)));

// Checks, worded as the types/ schemas word them (people read some of these).
export const minLength =
  (min: number, message?: string): Check<string | unknown[]> =>
  (v) =>
    v.length >= min ? null : (message ?? `Too small: expected at least ${min} characters`);
export const maxLength =
  (max: number, message?: string): Check<string | unknown[]> =>
  (v) =>
    v.length <= max ? null : (message ?? `Too big: expected at most ${max} items`);
export const matches =
  (pattern: RegExp, message: string): Check<string> =>
  (v) =>
    pattern.test(v) ? null : message;
export const atLeast =
  (min: number): Check<number> =>
  (v) =>
    v >= min ? null : `Too small: expected number to be >=${min}`;
export const atMost =
  (max: number): Check<number> =>
  (v) =>
    v <= max ? null : `Too big: expected number to be <=${max}`;
export const positive = (): Check<number> => (v) => (v > 0 ? null : "Too small: expected number to be >0");

/** Further checks on what `inner` decoded (after a `map`, say). */
export const refine = <T>(inner: Schema<T>, ...checks: Check<T>[]) =>
  schema<T>((v, path) => checked(inner.run(v, path), checks, path));
