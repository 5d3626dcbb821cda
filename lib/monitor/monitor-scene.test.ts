import { describe, expect, it } from "vitest";
import { ApiError } from "../client/core";
import { MonitorApi, parseSceneForm, sceneErrorText } from "./monitor";

describe("scene limits form (E8)", () => {
  it("accepts whole numbers within the limits, 0 turns included (scenes off)", () => {
    expect(parseSceneForm(" 4 ", "60")).toEqual({ settings: { turnBudget: 4, hourlyCap: 60 } });
    expect(parseSceneForm("0", "0")).toEqual({ settings: { turnBudget: 0, hourlyCap: 0 } });
    expect(parseSceneForm("20", "1000")).toEqual({ settings: { turnBudget: 20, hourlyCap: 1000 } });
  });

  it("says which field is wrong and what it may be", () => {
    expect(parseSceneForm("21", "60")).toEqual({
      problem: "Turn budget must be a whole number from 0 (scenes off) to 20.",
    });
    for (const bad of ["", "-1", "2.5", "four"]) expect(parseSceneForm(bad, "60")).toHaveProperty("problem");
    expect(parseSceneForm("4", "1001")).toEqual({ problem: "Hourly cap must be a whole number from 0 to 1000." });
  });

  it("explains a refusal so an operator can act on it", () => {
    expect(sceneErrorText("Saving", new ApiError("forbidden", "nope", { status: 403 }))).toBe(
      "Saving the scene settings was refused: that is not the admin token.",
    );
    expect(sceneErrorText("Saving", new ApiError("invalid_input", "turnBudget: too big", { status: 400 }))).toBe(
      "Saving the scene settings failed: turnBudget: too big",
    );
  });
});

describe("MonitorApi scene routes", () => {
  it("reads with GET and stores with PUT on /api/admin/scene for the room, with the admin token", async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const fetchImpl = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      const body = init.body ? JSON.parse(String(init.body)) : { turnBudget: 4, hourlyCap: 60 };
      return new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
    }) as unknown as typeof fetch;
    const api = new MonitorApi({ room: "ops", fetchImpl });
    expect(await api.scene("admin")).toEqual({ turnBudget: 4, hourlyCap: 60 });
    expect(await api.setScene("admin", { turnBudget: 2, hourlyCap: 10 })).toEqual({ turnBudget: 2, hourlyCap: 10 });
    expect(calls.map((c) => [c.init.method, c.url, c.init.body ?? null])).toEqual([
      ["GET", "/api/admin/scene?room=ops", null],
      ["PUT", "/api/admin/scene?room=ops", JSON.stringify({ turnBudget: 2, hourlyCap: 10 })],
    ]);
    expect(new Headers(calls[1]?.init.headers).get("Authorization")).toBe("Bearer admin");
  });
});
