import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../log.ts";
import { EntitiesFileError } from "./entities.ts";
import { type EntityStore, openEntityStore } from "./entity-store.ts";

const persona = (id: string, enabled = true) => ({
  id,
  username: id,
  color: "100100100",
  model: "m",
  systemPrompt: `You are ${id}.`,
  enabled,
});

let dir = "";
let store: EntityStore | undefined;
const lines: string[] = [];
const log = createLogger({ json: true, write: (l) => lines.push(l) });

afterEach(() => {
  store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function until(condition: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("entity store", () => {
  it("picks up an edited file while running, and keeps the old entities when an edit is invalid", async () => {
    dir = mkdtempSync(join(tmpdir(), "entities-"));
    const file = join(dir, "entities.json");
    writeFileSync(file, JSON.stringify({ entities: [persona("sage"), persona("quill", false)] }));
    store = openEntityStore(file, log, 20);
    expect(store.enabledIds()).toEqual(["sage"]);
    const sageBefore = store.enabled("sage");

    writeFileSync(file, JSON.stringify({ entities: [persona("sage", false), persona("quill"), persona("wren")] }));
    await until(() => store!.enabledIds().join() === "quill,wren");
    expect(store.enabled("sage")).toBeUndefined();
    // A job that started before the reload still holds the entity it began with.
    expect(sageBefore?.systemPrompt).toBe("You are sage.");

    writeFileSync(file, JSON.stringify({ entities: [{ ...persona("quill"), color: "blue" }] }));
    await until(() => lines.some((l) => l.includes("Keeping the entities already loaded")));
    expect(store.enabledIds()).toEqual(["quill", "wren"]);
  });

  it("refuses to start on an invalid file", () => {
    dir = mkdtempSync(join(tmpdir(), "entities-"));
    const file = join(dir, "entities.json");
    writeFileSync(file, JSON.stringify({ entities: [{ ...persona("sage"), model: "" }] }));
    expect(() => openEntityStore(file, log)).toThrow(EntitiesFileError);
  });
});
