// Posting is rate-limited per client IP; the bot token is exempt and a replay costs nothing.
import { afterAll, beforeAll, expect, it } from "vitest";
import { BOT_TOKEN, startWorker, type WorkerProcess } from "../support/worker-process.ts";

let worker: WorkerProcess;
beforeAll(async () => {
  worker = await startWorker({ vars: { RATE_LIMIT_PER_MINUTE: "3" } });
});
afterAll(async () => {
  await worker?.stop();
});

const post = (id: string, token?: string, domain = "saywhatwant.app") =>
  fetch(`${worker.url}/api/comments?room=limits`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ id, text: `hi ${id}`, username: "Spammy", color: "255000000", domain }),
  });

it("allows RATE_LIMIT_PER_MINUTE posts a minute per client, then 429 with Retry-After; bot token exempt", async () => {
  for (const id of ["a", "b", "c"]) expect((await post(id)).status).toBe(201);
  // A retry of a stored message is answered from storage and does not count.
  expect((await post("a")).status).toBe(200);
  const limited = await post("d", undefined, "some-other-domain.example");
  expect(limited.status).toBe(429);
  expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  expect(((await limited.json()) as { error: string }).error).toMatch(/limit is 3 a minute/);
  expect((await post("e", BOT_TOKEN)).status).toBe(201);
  const stored = (await (await fetch(`${worker.url}/api/comments?room=limits&cursor=0`)).json()) as {
    comments: { id: string }[];
  };
  expect(stored.comments.map((m) => m.id)).toEqual(["a", "b", "c", "e"]);
});
