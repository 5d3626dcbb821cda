import { expect, test } from "@playwright/test";
import type { Message } from "../../types";
import { postHuman, roomMessages, uniqueRoom } from "./support/api";
import { ChatPage, openChat } from "./support/chat-page";
import { BOT_ROOM, ECHO } from "./support/env";

const ALICE = { username: "Alice", color: "200100050" };
const ME = { username: "Me", color: "050100200" };

test("must-show 2: a pasted URL restores identity, filter, channel and addressing; the entity's reply shows after its queue state", async ({
  page,
  request,
}) => {
  const stamp = Date.now();
  await postHuman(request, BOT_ROOM, { ...ALICE, text: `alice was here ${stamp}` });
  await postHuman(request, BOT_ROOM, { username: "Bob", color: "100200050", text: `bob is filtered out ${stamp}` });

  // A fresh browser: nothing in localStorage, everything comes from the URL.
  await page.goto(`/?room=${BOT_ROOM}#u=Alice:200100050&filteractive=true&mt=ALL&entity=${ECHO.id}&uis=Me:050100200`);
  const chat = new ChatPage(page);
  await expect(chat.list).toHaveAttribute("aria-busy", "false");

  // Identity (uis), kept like a typed one.
  await expect(chat.usernameBox).toHaveValue("Me");
  expect(await page.evaluate(() => [localStorage.getItem("sww:username"), localStorage.getItem("sww:color")])).toEqual([
    "Me",
    "050100200",
  ]);
  // Filter (u + filteractive): Alice's chip, switched on; Bob hidden, Alice shown.
  await expect(
    page.getByRole("list", { name: "Filters" }).getByRole("listitem").filter({ hasText: "Alice" }),
  ).toBeVisible();
  await expect(page.getByRole("switch", { name: "Filters on" })).toHaveAttribute("aria-checked", "true");
  await expect(chat.item(`alice was here ${stamp}`)).toHaveCount(1);
  await expect(chat.item(`bob is filtered out ${stamp}`)).toHaveCount(0);
  // Channel (mt=ALL): both toggles on.
  await expect(page.getByRole("button", { name: "Humans" })).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByRole("button", { name: "AI", exact: true })).toHaveAttribute("aria-pressed", "true");
  // Addressing (entity), with presence: the e2e bot polls for it, so it is online (C9).
  await expect(chat.messageBox).toHaveAttribute("placeholder", `Message ${ECHO.id}…`);
  await expect(page.getByText(`to ${ECHO.id} · online`)).toBeVisible({ timeout: 15_000 });

  // Record every queue state the new message's marker shows, however briefly.
  const text = `hello echo ${stamp}`;
  await page.evaluate((watched) => {
    const seen: string[] = [];
    (window as unknown as { queueStates: string[] }).queueStates = seen;
    const record = () => {
      for (const row of document.querySelectorAll("li")) {
        if (!row.textContent?.includes(watched)) continue;
        const state = row.querySelector("[data-queue-state]")?.getAttribute("data-queue-state");
        if (state && seen.at(-1) !== state) seen.push(state);
      }
    };
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true });
  }, text);

  const posted = page.waitForRequest((r) => r.url().includes("/api/comments") && r.method() === "POST");
  await chat.send(text);
  const body = (await posted).postDataJSON() as { id: string; botParams?: unknown; username: string; color: string };
  expect(body.botParams).toEqual({ entity: ECHO.id, priority: 50 });
  expect([body.username, body.color]).toEqual([ME.username, ME.color]);

  const mine = chat.item(text).filter({ hasText: "Me:" });
  await expect(mine).toHaveCount(1);
  const reply = chat.item(`echo: ${text}`);
  await expect(reply).toHaveCount(1, { timeout: 15_000 });
  await expect(reply.getByRole("button", { name: `${ECHO.username}:` })).toBeVisible();
  // The reply is in the entity's color (120,200,150 is readable on black as it is).
  const color = await reply
    .locator("span[style]")
    .first()
    .evaluate((el) => getComputedStyle(el).color);
  expect(color).toBe("rgb(120, 200, 150)");

  const states = await page.evaluate(() => (window as unknown as { queueStates: string[] }).queueStates);
  console.log(`must-show 2: queue states shown on the addressed message: ${states.join(" → ")}`);
  expect(states[0]).toBe("sending");
  expect(states).toContain("waiting");
  expect(states.at(-1)).toBe("answered");
  await expect(mine.locator("[data-queue-state]")).toHaveAttribute("data-queue-state", "answered");

  // Server side: exactly one reply, as the entity, answering my message (E2, E4).
  await page.waitForTimeout(1_500);
  const replies = (await roomMessages(request, BOT_ROOM)).filter((m: Message) => m.replyTo === body.id);
  expect(replies.map((m) => [m.username, m.color, m.text, m["message-type"]])).toEqual([
    [ECHO.username, ECHO.color, `echo: ${text}`, "AI"],
  ]);
  await expect(reply).toHaveCount(1);
});

test("a failed addressed message shows the reason and Retry asks again (E3)", async ({ page, request }) => {
  const room = uniqueRoom("failed");
  const chat = await openChat(page, { room, hash: "#entity=ghost", identity: ME });
  // No bot has ever polled for "ghost": the page says so before anyone waits (C9).
  await expect(page.getByText("to ghost · offline")).toBeVisible();
  const posted = page.waitForRequest((r) => r.url().includes("/api/comments") && r.method() === "POST");
  await chat.send("is anyone there?");
  const { id } = (await posted).postDataJSON() as { id: string };
  const row = chat.item("is anyone there?");
  // Its place in line follows with the room's next `lines` frame (at most LIVE.activityIntervalMs
  // later), so the marker is read once that has arrived rather than racing it.
  await expect(row.locator('[data-queue-state="waiting"]')).toHaveText("waiting for ghost· next");

  // An operator gives up on it (the same state a bot reaches after its last failed attempt).
  const failed = await request.post(`/api/admin/fail?room=${room}`, {
    data: { messageId: id, error: "model overloaded" },
    headers: { Authorization: "Bearer dev-admin-token" },
  });
  expect(failed.ok()).toBe(true);
  const marker = row.locator('[data-queue-state="failed"]');
  // The page is public: it shows that an operator failed it, not the operator's words.
  await expect(marker).toContainText("ghost failed: failed by an operator", { timeout: 3_000 });

  await marker.getByRole("button", { name: "Retry" }).click();
  await expect(chat.item("is anyone there?")).toHaveCount(2);
  await expect(chat.item("is anyone there?").last().locator("[data-queue-state]")).toHaveAttribute(
    "data-queue-state",
    "waiting",
  );
  const asked = (await roomMessages(request, room)).filter((m) => m.text === "is anyone there?");
  expect(asked.map((m) => m.botParams?.status)).toEqual(["failed", "pending"]);
});
