import { describe, expect, it } from "vitest";
import { publicStatsSchema, statsSchema } from "../../types";
import { ADMIN_TOKEN, BOT_TOKEN, call, claimNext, freshRoom, postMessage } from "./client";

/** A room with a lease held by a worker whose id names its host, and a failure with a reason. */
async function busyRoom(): Promise<string> {
  const room = freshRoom();
  await postMessage(room, { id: "held", botParams: { entity: "sage" } });
  await postMessage(room, { id: "broken", botParams: { entity: "wren" } });
  const broken = await claimNext(room, "gpu-box-7.internal:1234", { entities: ["wren"] });
  await call("POST", `/api/queue/fail?room=${room}`, {
    body: { messageId: "broken", leaseToken: broken.body.lease.token, error: "LLM at 10.0.0.7:1234 refused" },
    token: BOT_TOKEN,
  });
  await claimNext(room, "gpu-box-7.internal:1234", { entities: ["sage"] });
  return room;
}

describe("/api/stats: public counts, admin detail", () => {
  it("without the admin token: aggregate counts only, no bot ids, lease holders or failure reasons", async () => {
    const room = await busyRoom();
    for (const token of [undefined, BOT_TOKEN, "not-a-token"]) {
      const res = await call("GET", `/api/stats?room=${room}`, { token });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(Object.keys(publicStatsSchema.shape).sort());
      expect(publicStatsSchema.strict().parse(res.body).queue).toMatchObject({ processing: 1, failed: 1 });
      const text = JSON.stringify(res.body);
      expect(text).not.toContain("gpu-box-7");
      expect(text).not.toContain("10.0.0.7");
    }
  });

  it("with the admin token: everything, as the monitor shows it", async () => {
    const room = await busyRoom();
    const res = await call("GET", `/api/stats?room=${room}`, { token: ADMIN_TOKEN });
    const stats = statsSchema.strict().parse(res.body);
    expect(stats.leases).toEqual([
      expect.objectContaining({ messageId: "held", claimedBy: "gpu-box-7.internal:1234" }),
    ]);
    expect(stats.bots.map((b) => b.workerId)).toEqual(["gpu-box-7.internal:1234"]);
    expect(stats.recentFailures).toEqual([
      expect.objectContaining({ messageId: "broken", error: "LLM at 10.0.0.7:1234 refused" }),
    ]);
  });
});
