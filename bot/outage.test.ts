import { describe, expect, it } from "vitest";
import { createLogger } from "./log.ts";
import { createOutageGate } from "./outage.ts";

const log = createLogger({ json: true, write: () => {} });
const fast = { baseMs: 10, maxMs: 40 };

describe("outage gate", () => {
  it("holds claimers back while down and lets them go when a job succeeds again", async () => {
    const gate = createOutageGate({ probe: async () => false, idle: () => false, backoff: fast, log });
    gate.reportOutage("ECONNREFUSED");
    expect(gate.down).toBe(true);
    let released = false;
    const waiting = gate.waitUntilUp(new AbortController().signal).then(() => {
      released = true;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(released).toBe(false);
    gate.reportHealthy();
    await waiting;
    expect(gate.down).toBe(false);
    gate.close();
  });

  it("asks the server itself when no job is left to notice it came back", async () => {
    let answers = false;
    let probes = 0;
    const gate = createOutageGate({
      probe: async () => {
        probes++;
        return answers;
      },
      idle: () => true,
      backoff: fast,
      log,
    });
    gate.reportOutage("503");
    await new Promise((r) => setTimeout(r, 150));
    expect(gate.down).toBe(true);
    expect(probes).toBeGreaterThan(0);
    answers = true;
    await gate.waitUntilUp(AbortSignal.timeout(2_000));
    expect(gate.down).toBe(false);
    gate.close();
  });

  it("does not probe while jobs in flight are retrying the server themselves", async () => {
    let probes = 0;
    const gate = createOutageGate({
      probe: async () => {
        probes++;
        return true;
      },
      idle: () => false,
      backoff: fast,
      log,
    });
    gate.reportOutage("timeout");
    await new Promise((r) => setTimeout(r, 150));
    expect(probes).toBe(0);
    expect(gate.down).toBe(true);
    gate.close();
  });
});
