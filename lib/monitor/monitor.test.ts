import { describe, expect, it } from "vitest";
import { isAdminStats, type Message, type Stats } from "../../types";
import { ApiError } from "../client/core";
import {
  actionDoneText,
  actionErrorText,
  ageNow,
  botRows,
  chatPath,
  entityRows,
  formatAgo,
  formatCount,
  formatDuration,
  formatExpiry,
  formatRate,
  leaseRows,
  MonitorApi,
  missingTokenText,
  monitorPath,
  needsAttention,
  oldestPendingEntity,
  parseEntityScope,
  pendingRows,
  roomFromLocation,
  roomProblem,
  storageMeasuring,
  storageRows,
  tokenProblem,
} from "./monitor";

const now = Date.UTC(2026, 10, 21, 12, 0, 0);

function stats(overrides: Partial<Stats> = {}): Stats {
  return {
    room: "ops",
    messages: { total: 12, human: 8, AI: 4 },
    headSeq: 12,
    queue: {
      pending: 3,
      processing: 1,
      complete: 4,
      failed: 1,
      oldestPendingAgeMs: 95_000,
      byEntity: {
        sage: { pending: 2, processing: 1, complete: 4, failed: 0, oldestPendingAgeMs: 95_000 },
        ghost: { pending: 1, processing: 0, complete: 0, failed: 1, oldestPendingAgeMs: 12_000 },
      },
    },
    leases: [
      { messageId: "m-late", entity: "sage", claimedBy: "gpu-1", expiresAt: now + 40_000, attempts: 1 },
      { messageId: "m-soon", entity: "sage", claimedBy: "gpu-1", expiresAt: now - 3_000, attempts: 2 },
    ],
    bots: [
      { workerId: "old-box", lastPolledAt: now - 5 * 60_000 },
      { workerId: "gpu-1", lastPolledAt: now - 3_000 },
    ],
    recentFailures: [{ messageId: "m-x", entity: "ghost", error: "model exploded", attempts: 3 }],
    storage: { kvReads: 10, kvWrites: 2, rowsRead: 1500, rowsWritten: 40, snapshotWrites: 2, since: now - 10 * 60_000 },
    storagePerMinute: { kvReads: 0.5, kvWrites: 0, rowsRead: 1234.4, rowsWritten: 4 },
    ...overrides,
  };
}

type Bot = NonNullable<Message["botParams"]>;

function message(id: string, overrides: Partial<Message> = {}, bot: Partial<Bot> = {}): Message {
  return {
    id,
    seq: 1,
    timestamp: now - 12_000,
    text: "hello",
    username: "Me",
    color: "200100050",
    domain: "saywhatwant.app",
    "message-type": "human",
    botParams: {
      entity: "sage",
      priority: 10,
      status: "pending",
      attempts: 0,
      claimedBy: null,
      leaseExpiresAt: null,
      error: null,
      ...bot,
    },
    ...overrides,
  };
}

describe("durations and ages", () => {
  it("reads seconds, minutes, hours and days, coarsely", () => {
    expect(formatDuration(0)).toBe("0 s");
    expect(formatDuration(-500)).toBe("0 s");
    expect(formatDuration(12_400)).toBe("12 s");
    expect(formatDuration(59_999)).toBe("59 s");
    expect(formatDuration(4 * 60_000 + 30_000)).toBe("4 m");
    expect(formatDuration(3_600_000)).toBe("1 h");
    expect(formatDuration(3_600_000 + 5 * 60_000)).toBe("1 h 5 m");
    expect(formatDuration(2 * 86_400_000 + 3 * 3_600_000)).toBe("2 d 3 h");
    expect(formatDuration(Number.NaN)).toBe("0 s");
  });

  it("says how long ago, and how long a lease has left", () => {
    expect(formatAgo(now - 3_200, now)).toBe("3 s ago");
    expect(formatAgo(now - 4 * 60_000, now)).toBe("4 m ago");
    expect(formatAgo(now - 200, now)).toBe("just now");
    expect(formatAgo(now + 2_000, now)).toBe("just now");
    expect(formatExpiry(now + 42_000, now)).toBe("in 42 s");
    expect(formatExpiry(now - 3_000, now)).toBe("expired 3 s ago");
  });

  it("ages a server-measured age by the time since the fetch", () => {
    expect(ageNow(10_000, now - 1_500, now)).toBe(11_500);
    expect(ageNow(10_000, now + 1_000, now)).toBe(10_000);
    expect(ageNow(null, now, now)).toBeNull();
  });

  it("formats counts and rates densely", () => {
    expect(formatCount(1234567)).toBe("1,234,567");
    expect(formatRate(0)).toBe("0");
    expect(formatRate(-1)).toBe("0");
    expect(formatRate(0.25)).toBe("0.3");
    expect(formatRate(2.5)).toBe("2.5");
    expect(formatRate(1234.4)).toBe("1,234");
  });
});

describe("the room", () => {
  it("comes from ?room=, then #room=, else global; a bad name falls back", () => {
    expect(roomFromLocation("?room=ops", "#room=other")).toBe("ops");
    expect(roomFromLocation("", "#room=other")).toBe("other");
    expect(roomFromLocation("?x=1", "#entity=sage&room=lobby")).toBe("lobby");
    expect(roomFromLocation("", "")).toBe("global");
    expect(roomFromLocation("?room=no%20spaces", "")).toBe("global");
    expect(roomFromLocation("?room=", "#room=a/b")).toBe("global");
  });

  it("validates typed names and builds links without the token", () => {
    expect(roomProblem("monitor-123")).toBeNull();
    expect(roomProblem(" ops ")).toBeNull();
    expect(roomProblem("two words")).toMatch(/A-Z/);
    expect(roomProblem("")).toMatch(/1-64/);
    expect(monitorPath("global")).toBe("/monitor");
    expect(monitorPath("ops")).toBe("/monitor?room=ops");
    expect(chatPath("global")).toBe("/");
    expect(chatPath("ops")).toBe("/?room=ops");
  });
});

describe("per-entity rows", () => {
  it("merges queue counts with the entities bots poll for, sorted by id", () => {
    const rows = entityRows(
      stats(),
      [
        { id: "sage", lastPolledAt: now - 5_000, username: "Sage", color: "120200150" },
        { id: "idle", lastPolledAt: now - 2_000 },
        { id: "ghost", lastPolledAt: now - 10 * 60_000 },
      ],
      now,
    );
    expect(rows.map((r) => [r.id, r.pending, r.processing, r.failed, r.complete, r.served])).toEqual([
      ["ghost", 1, 0, 1, 0, false],
      ["idle", 0, 0, 0, 0, true],
      ["sage", 2, 1, 0, 4, true],
    ]);
    expect(rows[2]).toMatchObject({ username: "Sage", color: "120200150", oldestPendingAgeMs: 95_000 });
    expect(rows[1]?.oldestPendingAgeMs).toBeNull();
  });

  it("names the entity that has waited longest", () => {
    expect(oldestPendingEntity(stats())).toBe("sage");
    const idle = stats();
    for (const c of Object.values(idle.queue.byEntity)) c.oldestPendingAgeMs = null;
    expect(oldestPendingEntity(idle)).toBeNull();
  });

  it("flags failures and work nobody serves", () => {
    const [ghost, idle, sage] = entityRows(
      stats(),
      [
        { id: "sage", lastPolledAt: now },
        { id: "idle", lastPolledAt: now },
      ],
      now,
    );
    expect(needsAttention(ghost!)).toBe(true);
    expect(needsAttention(idle!)).toBe(false);
    expect(needsAttention(sage!)).toBe(false);
    const unserved = entityRows(stats(), [], now).find((r) => r.id === "sage")!;
    expect(needsAttention(unserved)).toBe(true);
  });
});

describe("bots, leases, storage, waiting", () => {
  it("lists bots newest first, stale after a minute, with the leases they hold", () => {
    expect(botRows(stats(), now)).toEqual([
      { workerId: "gpu-1", lastPolledAt: now - 3_000, stale: false, holding: 2 },
      { workerId: "old-box", lastPolledAt: now - 300_000, stale: true, holding: 0 },
    ]);
  });

  it("orders leases by expiry and marks the overdue ones", () => {
    expect(leaseRows(stats(), now).map((l) => [l.messageId, l.expired])).toEqual([
      ["m-soon", true],
      ["m-late", false],
    ]);
  });

  it("pairs each storage rate with its total, and knows the first minute has no rate yet", () => {
    expect(storageRows(stats()).map((r) => [r.label, r.perMinute, r.total])).toEqual([
      ["KV reads", 0.5, 10],
      ["KV writes", 0, 2],
      ["Rows read", 1234.4, 1500],
      ["Rows written", 4, 40],
    ]);
    expect(storageMeasuring(stats(), now)).toBe(false);
    const fresh = stats();
    fresh.storage.since = now - 20_000;
    expect(storageMeasuring(fresh, now)).toBe(true);
  });

  it("keeps only waiting messages from the pending list", () => {
    const rows = pendingRows(
      [message("a"), message("b", {}, { status: "processing", claimedBy: "gpu-1", attempts: 1 })],
      now,
    );
    expect(rows).toEqual([{ id: "a", entity: "sage", username: "Me", text: "hello", priority: 10, age: 12_000 }]);
  });
});

describe("operator actions (O3)", () => {
  it("explains every refusal in words an operator can act on", () => {
    expect(actionErrorText("requeue", "m-1", new ApiError("unauthorized", "needs token"))).toBe(
      "Requeue m-1 needs the admin token. Enter it in “Admin token” above.",
    );
    expect(actionErrorText("fail", "m-1", new ApiError("forbidden", "bad"))).toMatch(/^Fail m-1 was refused:/);
    expect(
      actionErrorText("requeue", "m-1", new ApiError("already_answered", 'message "m-1" is already answered')),
    ).toBe('Requeue m-1 not possible: message "m-1" is already answered');
    expect(actionErrorText("requeue", "m-1", new ApiError("not_found", "no such message"))).toBe(
      "Requeue m-1 failed (not_found): no such message",
    );
    expect(actionErrorText("requeue", "m-1", new ApiError("network", "down"))).toMatch(/could not be reached/);
    expect(actionErrorText("requeue", "m-1", new ApiError("internal", "boom"))).toBe(
      "Requeue m-1 failed (internal): boom",
    );
    expect(actionErrorText("requeue", "m-1", new Error("odd"))).toBe("Requeue m-1 failed: odd");
    expect(missingTokenText("requeue", "m-1")).toBe(
      "Requeue m-1 needs the admin token. Enter it in “Admin token” above.",
    );
    expect(tokenProblem(new ApiError("unauthorized", ""))).toMatch(/Enter the admin token/);
    expect(tokenProblem(new ApiError("forbidden", ""))).toMatch(/refused/);
    expect(tokenProblem(new ApiError("internal", ""))).toBeNull();
  });

  it("confirms what happened", () => {
    expect(actionDoneText("requeue", message("m-1"))).toBe("Requeued m-1: waiting for sage again.");
    const failed = message("m-2", {}, { status: "failed", attempts: 1, error: "spam" });
    expect(actionDoneText("fail", failed)).toBe("Failed m-2: spam.");
  });
});

describe("parseEntityScope", () => {
  it("reads a comma or space separated list, * for all, and says what is wrong otherwise", () => {
    expect(parseEntityScope(" sage, wren sage ")).toEqual({ scope: ["sage", "wren"] });
    expect(parseEntityScope("*")).toEqual({ scope: "*" });
    expect(parseEntityScope("  ")).toEqual({ problem: "Name at least one entity, or * for all." });
    expect(parseEntityScope("x".repeat(65))).toEqual({
      problem: expect.stringMatching(/is not an entity id: ids are 1–64 characters/),
    });
    expect(parseEntityScope("sage, __proto__")).toEqual({
      problem: expect.stringMatching(/^"__proto__" is not an entity id.*not __proto__, constructor or prototype/),
    });
    expect(parseEntityScope("constructor")).toEqual({
      problem: expect.stringMatching(/^"constructor" is not an entity id/),
    });
  });
});

describe("MonitorApi", () => {
  function recorder(status: number, body: unknown) {
    const calls: { url: string; init: RequestInit }[] = [];
    const fetchImpl = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
    }) as unknown as typeof fetch;
    return { calls, fetchImpl };
  }

  it("reads stats for the room, without a token", async () => {
    const { calls, fetchImpl } = recorder(200, stats());
    const result = await new MonitorApi({ room: "ops", fetchImpl }).stats();
    expect(result.queue.pending).toBe(3);
    expect(calls[0]?.url).toBe("/api/stats?room=ops");
    expect(new Headers(calls[0]?.init.headers).get("Authorization")).toBeNull();
  });

  it("asks for the series' minutes and sends the admin token for its detailed parts", async () => {
    const { calls, fetchImpl } = recorder(200, stats());
    await new MonitorApi({ room: "ops", fetchImpl }).stats({ minutes: 1440, token: " admin " });
    expect(calls[0]?.url).toBe("/api/stats?minutes=1440&room=ops");
    expect(new Headers(calls[0]?.init.headers).get("Authorization")).toBe("Bearer admin");
  });

  it("sends the admin token for stats when it has one, and accepts the public view without the detail", async () => {
    const { leases: _l, bots: _b, recentFailures: _f, ...aggregate } = stats();
    const { calls, fetchImpl } = recorder(200, aggregate);
    const result = await new MonitorApi({ room: "ops", fetchImpl }).stats({ token: "secret" });
    expect(new Headers(calls[0]?.init.headers).get("Authorization")).toBe("Bearer secret");
    expect(isAdminStats(result)).toBe(false);
    expect(result.queue.pending).toBe(3);
    const full = await new MonitorApi({ room: "ops", fetchImpl: recorder(200, stats()).fetchImpl }).stats({
      token: "secret",
    });
    expect(isAdminStats(full)).toBe(true);
  });

  it("manages bot tokens at the global route, whatever room is watched", async () => {
    const info = { name: "sage-box", entities: ["sage"], createdAt: 1, revokedAt: null };
    const { calls, fetchImpl } = recorder(201, { success: true, token: "s3cret", info });
    const created = await new MonitorApi({ room: "ops", fetchImpl }).createToken("admin", "sage-box", ["sage"]);
    expect(created.token).toBe("s3cret");
    expect(calls[0]?.url).toBe("/api/admin/tokens");
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({ name: "sage-box", entities: ["sage"] });
    expect(new Headers(calls[0]?.init.headers).get("Authorization")).toBe("Bearer admin");
  });

  it("leaves the global room implicit and keeps other query parameters", async () => {
    const global = recorder(200, stats());
    await new MonitorApi({ room: "global", fetchImpl: global.fetchImpl }).stats();
    expect(global.calls[0]?.url).toBe("/api/stats");
    const ops = recorder(200, { pending: [] });
    await new MonitorApi({ room: "ops", fetchImpl: ops.fetchImpl }).pending("admin", 5);
    expect(ops.calls[0]?.url).toBe("/api/queue/pending?limit=5&room=ops");
  });

  it("sends the admin token as a bearer header and the message id as JSON", async () => {
    const { calls, fetchImpl } = recorder(200, { success: true, message: message("m-1") });
    const api = new MonitorApi({ room: "ops", fetchImpl });
    const requeued = await api.requeue(" dev-admin-token ", "m-1");
    expect(requeued.id).toBe("m-1");
    expect(calls[0]?.url).toBe("/api/admin/requeue?room=ops");
    expect(calls[0]?.init.method).toBe("POST");
    expect(new Headers(calls[0]?.init.headers).get("Authorization")).toBe("Bearer dev-admin-token");
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({ messageId: "m-1" });

    await api.fail("dev-admin-token", "m-1", "  spam  ");
    expect(JSON.parse(String(calls[1]?.init.body))).toEqual({ messageId: "m-1", error: "spam" });
    await api.fail("dev-admin-token", "m-1", "   ");
    expect(JSON.parse(String(calls[2]?.init.body))).toEqual({ messageId: "m-1" });
  });

  it("turns error bodies into ApiErrors with the server's code and words", async () => {
    const { fetchImpl } = recorder(403, { error: "That token is not valid for this route", code: "forbidden" });
    const error = await new MonitorApi({ room: "ops", fetchImpl }).requeue("nope", "m-1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: "forbidden", message: "That token is not valid for this route" });
    expect((error as ApiError).retryable).toBe(false);

    // A proxy's 502 page carries no code: still worth retrying.
    const proxy = recorder(502, "<html>bad gateway</html>").fetchImpl;
    const gateway = await new MonitorApi({ room: "ops", fetchImpl: proxy }).stats().catch((e: unknown) => e);
    expect(gateway).toMatchObject({ code: "unavailable", status: 502 });
    expect((gateway as ApiError).retryable).toBe(true);

    const offline = (async () => {
      throw new TypeError("fetch failed");
    }) as unknown as typeof fetch;
    const down = await new MonitorApi({ room: "ops", fetchImpl: offline }).stats().catch((e: unknown) => e);
    expect(down).toMatchObject({ code: "network", status: null });
    expect((down as ApiError).retryable).toBe(true);
  });
});
