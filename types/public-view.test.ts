import { describe, expect, it } from "vitest";
import type { Message } from "./message.ts";
import {
  gaveUpReason,
  OPERATOR_FAILURE_PREFIX,
  operatorFailure,
  PUBLIC_FAILURE_REASONS,
  publicFailureReason,
  publicMessage,
} from "./public-view.ts";

const ALLOWED = new Set<string>([...Object.values(PUBLIC_FAILURE_REASONS), gaveUpReason(2), gaveUpReason(3)]);

describe("publicFailureReason: a raw failure becomes one of a fixed list", () => {
  it("names what happened in words that hold no raw text", () => {
    const cases: [string, number, string][] = [
      // The bot's own wording (bot/llm.ts, bot/job.ts) and the room's (lease expiry).
      ["cannot reach the LLM server (ECONNREFUSED)", 1, PUBLIC_FAILURE_REASONS.modelDown],
      ["LLM server answered 503: upstream at 10.0.0.7:1234 is down", 1, PUBLIC_FAILURE_REASONS.modelDown],
      ["the LLM server did not answer in time (ETIMEDOUT)", 1, PUBLIC_FAILURE_REASONS.tooLong],
      ["Sage's model returned an empty reply", 3, PUBLIC_FAILURE_REASONS.empty],
      [
        "lease expired: worker gpu-box-7.internal:1234 stopped responding (3 attempts)",
        3,
        PUBLIC_FAILURE_REASONS.tooLong,
      ],
      [operatorFailure("spam from 203.0.113.9"), 0, PUBLIC_FAILURE_REASONS.operator],
      [operatorFailure(OPERATOR_FAILURE_PREFIX), 2, PUBLIC_FAILURE_REASONS.operator],
      ["the LLM server rejected the request: LLM server answered 400: bad prompt at /srv/x", 3, gaveUpReason(3)],
      ["something nobody foresaw at http://10.1.2.3/", 1, PUBLIC_FAILURE_REASONS.generic],
      ["", 0, PUBLIC_FAILURE_REASONS.generic],
      ["removed", 0, PUBLIC_FAILURE_REASONS.removed],
    ];
    for (const [raw, attempts, expected] of cases) {
      const reason = publicFailureReason(raw, attempts);
      expect(reason, raw).toBe(expected);
      expect(ALLOWED.has(reason)).toBe(true);
      expect(reason).not.toMatch(/10\.0\.0\.7|gpu-box|203\.0\.113|\/srv|10\.1\.2\.3/);
    }
  });
});

describe("operatorFailure", () => {
  it("keeps the operator's reason for admins, behind a prefix the public mapping recognizes", () => {
    expect(operatorFailure("spam")).toBe("failed by an operator: spam");
    expect(operatorFailure("failed by an operator")).toBe("failed by an operator");
  });
});

describe("publicMessage", () => {
  const base: Message = {
    id: "m1",
    seq: 1,
    timestamp: 1,
    text: "hi",
    username: "Alice",
    color: "200100050",
    domain: "saywhatwant.app",
    "message-type": "human",
  };
  const botParams = {
    entity: "sage",
    priority: 50,
    status: "processing" as const,
    attempts: 1,
    claimedBy: "gpu-box-7.internal:1234",
    leaseExpiresAt: 99,
    error: null,
  };

  it("drops the lease holder, keeping every field (claimedBy: null) so old clients still parse", () => {
    const shown = publicMessage({ ...base, botParams });
    expect(shown.botParams).toEqual({ ...botParams, claimedBy: null });
    expect(JSON.stringify(shown)).not.toContain("gpu-box");
  });

  it("replaces a raw failure with its safe reason", () => {
    const failed = {
      ...botParams,
      status: "failed" as const,
      claimedBy: null,
      attempts: 3,
      error: "LLM server answered 502: 10.0.0.7",
    };
    expect(publicMessage({ ...base, botParams: failed }).botParams).toEqual({
      ...failed,
      error: PUBLIC_FAILURE_REASONS.modelDown,
    });
  });

  it("leaves messages with nothing to hide as they are", () => {
    expect(publicMessage(base)).toBe(base);
    const pending = { ...base, botParams: { ...botParams, status: "pending" as const, claimedBy: null } };
    expect(publicMessage(pending)).toBe(pending);
  });

  it("replaces each job's raw failure too, for a message that addressed several entities", () => {
    const jobs = [
      { entity: "sage", status: "complete" as const, attempts: 1, error: null, depth: 0, replyId: "r1" },
      { entity: "wren", status: "failed" as const, attempts: 3, error: "connect ECONNREFUSED 10.0.0.7:1234", depth: 0 },
    ];
    const shown = publicMessage({ ...base, jobs });
    expect(shown.jobs?.[0]).toEqual(jobs[0]);
    expect(shown.jobs?.[1]?.error).toBe(PUBLIC_FAILURE_REASONS.modelDown);
    expect(JSON.stringify(shown)).not.toContain("10.0.0.7");
  });
});
