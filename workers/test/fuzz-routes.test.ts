import { describe, expect, it } from "vitest";
import { call } from "./client";
import { ROUTES } from "./fuzz/routes";

describe("the fuzzed routes", () => {
  it("covers every route the OpenAPI document declares (a new route without a fuzz entry fails here)", async () => {
    const doc = await call<{ paths: Record<string, Record<string, unknown>> }>("GET", "/api/openapi.json");
    const declared = Object.entries(doc.body.paths)
      .flatMap(([path, item]) =>
        Object.keys(item).map((m) => `${m.toUpperCase()} ${path.replaceAll(/\{(\w+)\}/g, ":$1")}`),
      )
      .filter((r) => !r.startsWith("PARAMETERS"))
      .sort();
    const fuzzed = ROUTES.map((r) => r.name).sort();
    expect(declared.filter((r) => !fuzzed.includes(r))).toEqual([]);
  });
});
