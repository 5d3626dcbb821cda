import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EntitiesFileError, parseEntities } from "./entities.ts";

const valid = {
  id: "sage",
  username: "Sage",
  color: "120200150",
  model: "llama-3.2-3b-instruct",
  systemPrompt: "You are Sage.",
};

function parse(file: unknown): ReturnType<typeof parseEntities> {
  return parseEntities(JSON.stringify(file), "entities.json");
}

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(EntitiesFileError);
    return (error as Error).message;
  }
  throw new Error("expected the entities file to be rejected");
}

describe("parseEntities", () => {
  it("fills in the documented defaults", () => {
    expect(parse({ entities: [valid] })).toEqual([
      { ...valid, contextMessages: 20, scope: "conversation", filterOut: [], trimAfter: [], enabled: true },
    ]);
  });

  it("takes a context scope of conversation, thread or room, and names a wrong one", () => {
    expect(parse({ entities: [{ ...valid, scope: "thread" }] })[0]?.scope).toBe("thread");
    const message = errorOf(() => parse({ entities: [{ ...valid, scope: "everything" }] }));
    expect(message).toContain('entities[0] (id "sage").scope');
  });

  it("names the bad field, with the entity's id, in the error", () => {
    const message = errorOf(() => parse({ entities: [valid, { ...valid, id: "echo", color: "red" }] }));
    expect(message).toContain('entities[1] (id "echo").color');
    expect(message).toContain("RRRGGGBBB");
  });

  it("reports a misspelt option instead of ignoring it", () => {
    const message = errorOf(() => parse({ entities: [{ ...valid, temprature: 0.7 }] }));
    expect(message).toContain('entities[0] (id "sage")');
    expect(message).toContain("temprature");
  });

  it("takes the API's entity ids and refuses the names every object already has", () => {
    expect(parse({ entities: [{ ...valid, id: "sage.v2" }] })[0]?.id).toBe("sage.v2");
    for (const id of ["__proto__", "constructor", "prototype"]) {
      const message = errorOf(() => parse({ entities: [{ ...valid, id }] }));
      expect(message).toContain(`entities[0] (id "${id}").id`);
      expect(message).toContain("cannot be __proto__, constructor or prototype");
    }
    expect(errorOf(() => parse({ entities: [{ ...valid, id: "two words" }] }))).toContain(
      "1-64 characters of A-Z, a-z, 0-9, '_', '.' or '-'",
    );
  });

  it("rejects a missing required field and duplicate ids", () => {
    const { systemPrompt: _, ...withoutPrompt } = valid;
    expect(errorOf(() => parse({ entities: [withoutPrompt] }))).toContain('entities[0] (id "sage").systemPrompt');
    expect(errorOf(() => parse({ entities: [valid, valid] }))).toContain('duplicate id "sage"');
  });

  it("accepts entity usernames up to 32 characters, like the API's AI messages", () => {
    const [entity] = parse({ entities: [{ ...valid, username: "EmotionalIntelligence" }] });
    expect(entity?.username).toBe("EmotionalIntelligence");
    expect(parse({ entities: [{ ...valid, username: "E".repeat(32) }] })).toHaveLength(1);
    expect(errorOf(() => parse({ entities: [{ ...valid, username: "E".repeat(33) }] }))).toContain(
      'entities[0] (id "sage").username',
    );
  });

  it("says when the file is not JSON at all", () => {
    expect(errorOf(() => parseEntities("{ entities: [", "bot/entities.json"))).toMatch(
      /^bot\/entities\.json is not valid JSON/,
    );
  });

  it("accepts the example personas shipped in bot/entities.json", () => {
    const file = join(import.meta.dirname, "..", "entities.json");
    const entities = parseEntities(readFileSync(file, "utf8"), file);
    expect(entities.length).toBeGreaterThanOrEqual(3);
    expect(entities.some((e) => e.enabled)).toBe(true);
  });

  it("accepts the entities the end-to-end tests run, names included", () => {
    const file = join(import.meta.dirname, "..", "..", "tests", "e2e", "entities.json");
    expect(parseEntities(readFileSync(file, "utf8"), file).length).toBeGreaterThanOrEqual(1);
  });

  it("holds entity names to the name rule: stored in NFC, invisible and direction characters refused by code point", () => {
    const [entity] = parse({ entities: [{ ...valid, username: "Ame\u0301lie" }] });
    expect(entity?.username).toBe("Am\u00E9lie");
    expect(errorOf(() => parse({ entities: [{ ...valid, username: "Sage\u200B" }] }))).toContain(
      'entities[0] (id "sage").username: username cannot contain invisible characters (U+200B)',
    );
    expect(errorOf(() => parse({ entities: [{ ...valid, username: "\u202ESage" }] }))).toContain(
      "username cannot contain text-direction controls (U+202E)",
    );
  });
});
