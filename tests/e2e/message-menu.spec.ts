import { expect, test } from "@playwright/test";
import { postHuman, uniqueRoom } from "./support/api";
import { openChat } from "./support/chat-page";

test.use({ timezoneId: "UTC", permissions: ["clipboard-read", "clipboard-write"] });

const SPAMMER = { username: "Spammer", color: "255120120" };
const FRIEND = { username: "Friend", color: "120255200" };
const READER = { username: "Reader", color: "255220180" };

test("right-click a message: Copy, Save, Block; Escape closes (X1)", async ({ page, request }) => {
  const room = uniqueRoom("menu");
  const spam = await postHuman(request, room, { ...SPAMMER, text: "cheap pills here" });
  await postHuman(request, room, { ...FRIEND, text: "hi there" });
  const chat = await openChat(page, { room, identity: READER });

  const row = chat.item("cheap pills here");
  await row.getByText("pills").click({ button: "right" });
  const menu = page.getByRole("menu");
  await expect(menu.getByRole("menuitem")).toHaveText(["Copy", "Save", "Filter by Spammer", "Block Spammer"]);
  await page.keyboard.press("Escape");
  await expect(menu).toBeHidden();

  await row.getByText("pills").click({ button: "right" });
  await menu.getByRole("menuitem", { name: "Copy" }).click();
  const time = new Date(spam.timestamp).toISOString().slice(0, 19).replace("T", " ");
  await expect
    .poll(() => page.evaluate(() => navigator.clipboard.readText()))
    .toBe(`Spammer (${time}):\ncheap pills here`);

  await row.getByText("pills").click({ button: "right" });
  const saved = page.waitForEvent("download");
  await menu.getByRole("menuitem", { name: "Save" }).click();
  expect((await saved).suggestedFilename()).toMatch(/^saywhatwant_Spammer_\d{8}-\d{6}Z\.txt$/);

  // Block with a word selected blocks the word; without, the username.
  await chat.clickWord(row, "pills", { clickCount: 2 });
  await chat.clickWord(row, "pills", { button: "right" });
  await expect(menu.getByRole("menuitem", { name: "Block “pills”" })).toBeVisible();
  await menu.getByRole("menuitem", { name: "Block “pills”" }).click();
  await expect(chat.item("cheap pills here")).toHaveCount(0);
  await expect(chat.item("hi there")).toHaveCount(1);
  expect(new URL(page.url()).hash).toBe("#-word=pills&filteractive=true");
});

test("the message menu works from the keyboard (X1)", async ({ page, request }) => {
  const room = uniqueRoom("menu-keys");
  await postHuman(request, room, { ...SPAMMER, text: "buy now" });
  await postHuman(request, room, { ...FRIEND, text: "hello friend" });
  const chat = await openChat(page, { room, identity: READER });
  const actions = page.getByRole("button", { name: "Actions for Spammer's message" });
  const menu = page.getByRole("menu");
  // Escape closes it and gives focus back to the button that opened it.
  const friendActions = page.getByRole("button", { name: "Actions for Friend's message" });
  await friendActions.focus();
  await page.keyboard.press("Enter");
  await expect(menu).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(menu).toBeHidden();
  await expect(friendActions).toBeFocused();

  await actions.focus();
  await page.keyboard.press("Enter");
  await expect(menu).toBeVisible();
  // Opened from the keyboard, the first item has focus; the arrows wrap around.
  await expect(menu.getByRole("menuitem", { name: "Copy" })).toBeFocused();
  await page.keyboard.press("ArrowUp");
  await expect(menu.getByRole("menuitem", { name: "Block Spammer" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(chat.item("buy now")).toHaveCount(0);
  await expect(page.getByRole("list", { name: "Filters" }).getByText("-Spammer")).toBeVisible();
});

test.describe("on a touch screen", () => {
  test.use({ hasTouch: true, isMobile: true, viewport: { width: 390, height: 844 } });

  test("a 500 ms long-press opens the message menu (X1)", async ({ page, request }) => {
    const room = uniqueRoom("menu-touch");
    await postHuman(request, room, { ...FRIEND, text: "press and hold me" });
    const chat = await openChat(page, { room, identity: READER });
    const box = (await chat.item("press and hold me").boundingBox())!;
    const cdp = await page.context().newCDPSession(page);
    const point = { x: box.x + 80, y: box.y + box.height / 2 };
    await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [point] });
    await page.waitForTimeout(300);
    expect(await page.getByRole("menu").count(), "not open after a short touch").toBe(0);
    await expect(page.getByRole("menu")).toBeVisible({ timeout: 350 });
    await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
    await expect(page.getByRole("menuitem", { name: "Copy" })).toBeVisible();
  });
});
