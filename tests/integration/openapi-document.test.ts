// O8: the document the running Worker serves is valid OpenAPI 3.1, and the clients' types are
// generated from it.
import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, expect, it } from "vitest";
import { API_PATHS_FILE, apiPathsSource } from "../../scripts/api-types.ts";
import { startWorker, type WorkerProcess } from "../support/worker-process.ts";

let worker: WorkerProcess;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(async () => {
  await worker?.stop();
});

it("GET /api/openapi.json validates as OpenAPI 3.1", async () => {
  const res = await fetch(`${worker.url}/api/openapi.json`);
  expect(res.status).toBe(200);
  const document = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
  expect(document.openapi).toBe("3.1.0");
  const result = await new Validator().validate(document);
  expect(result.errors ?? []).toEqual([]);
  expect(result.valid).toBe(true);
  expect(Object.keys(document.paths).length).toBeGreaterThan(25);
});

it("lib/client/api-paths.ts is what the served document generates (else run `npm run api:types`)", async () => {
  const document = await (await fetch(`${worker.url}/api/openapi.json`)).json();
  expect(readFileSync(API_PATHS_FILE, "utf8")).toBe(await apiPathsSource(document));
});
