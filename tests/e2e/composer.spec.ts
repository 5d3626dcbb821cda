import { type APIRequestContext, expect, type Page, type Route, test } from "@playwright/test";
import { roomMessages, uniqueRoom } from "./support/api";
import { ChatPage, openChat } from "./support/chat-page";

const ME = { username: "Tess", color: "255200150" };

/**
 * The page's first post goes to `first` (fail it, or answer in the server's place); the rest
 * reach the Worker. Answers the id each attempt carried, in order.
 */
async function onFirstPost(page: Page, first: (route: Route) => Promise<void>): Promise<string[]> {
  const ids: string[] = [];
  await page.route("**/api/comments?*", async (route) => {
    if (route.request().method() !== "POST") return route.fallback();
    ids.push((route.request().postDataJSON() as { id: string }).id);
    return ids.length === 1 ? first(route) : route.fallback();
  });
  return ids;
}

/**
 * After a send that needed a second attempt: once the page has settled (a duplicate would arrive
 * by push or poll within the wait), the message shows once, and exactly one row is stored, under
 * the one id both attempts carried (or, when `ids` is not recorded, just one row).
 */
async function expectShownAndStoredOnce(
  page: Page,
  request: APIRequestContext,
  room: string,
  text: string,
  ids?: string[],
): Promise<void> {
  await page.waitForTimeout(1_500);
  await expect(new ChatPage(page).item(text)).toHaveCount(1);
  const stored = (await roomMessages(request, room)).filter((m) => m.text === text);
  if (!ids) {
    expect(stored).toHaveLength(1);
    return;
  }
  expect(ids).toHaveLength(2);
  expect(ids[0]).toBe(ids[1]);
  expect(stored.map((m) => m.id)).toEqual([ids[0]]);
}

test("Enter sends, Shift+Enter is a newline, and the counter shows n/240 (C4)", async ({ page, request }) => {
  const room = uniqueRoom("composer");
  const chat = await openChat(page, { room, identity: ME });
  await chat.messageBox.click();
  await page.keyboard.type("first line");
  await page.keyboard.press("Shift+Enter");
  await page.keyboard.type("second line");
  await expect(page.getByText("22/240")).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(chat.messageBox).toHaveValue("");
  await expect(chat.item("first line\nsecond line")).toHaveCount(1);
  await expect
    .poll(async () => (await roomMessages(request, room)).map((m) => m.text))
    .toEqual(["first line\nsecond line"]);
  await expect(chat.messageBox).toHaveAttribute("maxlength", "240");
});

test("sending without a username flashes the username box, says why and sends nothing (C5)", async ({
  page,
  request,
}) => {
  const room = uniqueRoom("nameless");
  await page.goto(`/?room=${room}`);
  const chat = new ChatPage(page);
  await expect(chat.usernameBox).toHaveValue("");
  // An empty room says how to start, with a person or with an AI.
  await expect(page.getByText("No messages yet. Say something, or pick an AI from the AI menu")).toBeVisible();
  await chat.send("anyone?");
  await expect(chat.usernameBox).toBeFocused();
  await expect(chat.usernameBox).toHaveClass(/animate-flash/);
  // It says why, tied to the box for screen readers, until a name is typed.
  const hint = page.getByRole("alert").filter({ hasText: "Pick a username to send." });
  await expect(hint).toBeVisible();
  await expect(chat.usernameBox).toHaveAttribute("aria-invalid", "true");
  await expect(chat.messageBox).toHaveValue("anyone?");
  expect(await roomMessages(request, room)).toEqual([]);
  await chat.usernameBox.fill("Tess");
  await expect(hint).toHaveCount(0);
  await expect(chat.usernameBox).not.toHaveAttribute("aria-invalid");
  // A first visit got a random color already.
  expect(await page.evaluate(() => localStorage.getItem("sww:color"))).toMatch(/^\d{9}$/);
});

test("a name with an invisible character is refused before sending, naming the character (C5, the name rule)", async ({
  page,
  request,
}) => {
  const room = uniqueRoom("invisible");
  await page.goto(`/?room=${room}`);
  const chat = new ChatPage(page);
  await chat.usernameBox.fill("troll\u200B");
  await chat.send("it is me, honest");
  const hint = page.getByRole("alert").filter({ hasText: "Username cannot contain invisible characters (U+200B)." });
  await expect(hint).toBeVisible();
  await expect(chat.usernameBox).toHaveAttribute("aria-invalid", "true");
  await expect(chat.messageBox).toHaveValue("it is me, honest");
  expect(await roomMessages(request, room)).toEqual([]);
});

test("a send that fails on the network is retried by itself with the same id: retrying, then stored once (C4)", async ({
  page,
  request,
}) => {
  const room = uniqueRoom("retry");
  const chat = await openChat(page, { room, identity: ME });
  // The first attempt never reaches the server.
  const ids = await onFirstPost(page, (route) => route.abort("connectionreset"));
  await chat.send("will this arrive?");
  const row = chat.item("will this arrive?");
  await expect(row.locator('[data-queue-state="retrying"]')).toBeVisible();
  await expect(row.locator("[data-queue-state]")).toHaveCount(0, { timeout: 10_000 });
  await expectShownAndStoredOnce(page, request, room, "will this arrive?", ids);
});

test("a send the server refuses (4xx) shows not sent with Retry, and the retry (same id) never duplicates (C4)", async ({
  page,
  request,
}) => {
  const room = uniqueRoom("refused");
  const chat = await openChat(page, { room, identity: ME });
  const ids = await onFirstPost(page, (route) =>
    route.fulfill({
      status: 403,
      contentType: "application/json",
      body: JSON.stringify({ error: "Muted until 2026-12-02T00:00:00Z", code: "muted" }),
    }),
  );
  await chat.send("let me in");
  const row = chat.item("let me in");
  await expect(row.locator('[data-queue-state="not-sent"]')).toContainText("Muted until");
  await row.getByRole("button", { name: "Retry" }).click();
  await expect(row.locator("[data-queue-state]")).toHaveCount(0);
  await expectShownAndStoredOnce(page, request, room, "let me in", ids);
});

test("a send refused as 409 conflict (its id names another message) shows not sent; Retry sends it under a new id (C4)", async ({
  page,
  request,
}) => {
  const room = uniqueRoom("conflict");
  const chat = await openChat(page, { room, identity: ME });
  const ids = await onFirstPost(page, (route) =>
    route.fulfill({
      status: 409,
      contentType: "application/json",
      body: JSON.stringify({ error: 'id "x" already names another message', code: "conflict" }),
    }),
  );
  await chat.send("my own words");
  const row = chat.item("my own words");
  await expect(row.locator('[data-queue-state="not-sent"]')).toContainText("already taken");
  await row.getByRole("button", { name: "Retry" }).click();
  await expect(chat.item("my own words").locator("[data-queue-state]")).toHaveCount(0);
  await page.waitForTimeout(1_500);
  await expect(chat.item("my own words")).toHaveCount(1);
  expect(ids).toHaveLength(2);
  expect(ids[1]).not.toBe(ids[0]);
  const stored = (await roomMessages(request, room)).filter((m) => m.text === "my own words");
  expect(stored.map((m) => m.id)).toEqual([ids[1]]);
});

test("a send whose answer is lost after it was stored shows once, as stored, never twice (C4)", async ({
  page,
  request,
}) => {
  const room = uniqueRoom("lost-answer");
  const chat = await openChat(page, { room, identity: ME });
  // The first attempt reaches the server but its answer is lost on the way back.
  await onFirstPost(page, async (route) => {
    await route.fetch();
    await route.abort("connectionreset");
  });
  await chat.send("stored but unanswered");
  const row = chat.item("stored but unanswered");
  // The room pushes the stored copy, so the page learns it landed without a retry; or, if the
  // push loses the race, Retry (same id) is a replay. Either way: one row, one stored message.
  const retry = row.getByRole("button", { name: "Retry" });
  if (await retry.isVisible()) await retry.click();
  await expect(row.locator("[data-queue-state]")).toHaveCount(0);
  await expectShownAndStoredOnce(page, request, room, "stored but unanswered");
});

test("`r` outside text boxes picks a new random color, and it tints the chrome (C5, C6)", async ({ page }) => {
  const chat = await openChat(page, { room: uniqueRoom("color"), identity: ME });
  const send = chat.sendButton;
  const before = await send.evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(before).toBe("rgb(255, 200, 150)");
  await page.getByRole("heading").click();
  await page.keyboard.press("r");
  await expect.poll(() => page.evaluate(() => localStorage.getItem("sww:color"))).not.toBe(ME.color);
  await expect.poll(() => send.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe(before);
  // Typing an "r" in the message box is just a letter.
  const color = await page.evaluate(() => localStorage.getItem("sww:color"));
  await chat.messageBox.click();
  await page.keyboard.press("r");
  expect(await page.evaluate(() => localStorage.getItem("sww:color"))).toBe(color);
  await expect(chat.messageBox).toHaveValue("r");
});

test("reloading while a send is still unacknowledged loses nothing: the page sends it again (same id) after the reload (C4)", async ({
  page,
  request,
}) => {
  const room = uniqueRoom("reload");
  const chat = await openChat(page, { room, identity: ME });
  // Every POST fails while the network is "down".
  await page.route("**/api/comments?*", (route) =>
    route.request().method() === "POST" ? route.abort("internetdisconnected") : route.fallback(),
  );
  await chat.send("do not lose me");
  await expect(chat.item("do not lose me").locator('[data-queue-state="retrying"]')).toBeVisible();
  await page.unroute("**/api/comments?*");
  await page.reload();
  await expect(chat.list).toHaveAttribute("aria-busy", "false");
  await expect(chat.item("do not lose me")).toHaveCount(1);
  await expect(chat.item("do not lose me").locator("[data-queue-state]")).toHaveCount(0, { timeout: 10_000 });
  const stored = (await roomMessages(request, room)).filter((m) => m.text === "do not lose me");
  expect(stored).toHaveLength(1);
  expect(await page.evaluate((r) => localStorage.getItem(`sww:outbox:${r}`), room)).toBeNull();
});
