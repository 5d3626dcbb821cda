import { expect, test } from "@playwright/test";
import { postHuman, uniqueRoom } from "./support/api";
import { openChat } from "./support/chat-page";
import { BOT_ROOM, ECHO } from "./support/env";

const ME = { username: "Nia", color: "200230255" };
const PINGER = { username: "Pinger", color: "255210120" };

test("a chip's sound plays for a matching new message, and the chip stays unread until hovered (N1)", async ({
  page,
  request,
}) => {
  // Count the tones the page synthesises through the real Web Audio API.
  await page.addInitScript(() => {
    const w = window as unknown as { tones: number };
    w.tones = 0;
    const create = AudioContext.prototype.createOscillator;
    AudioContext.prototype.createOscillator = function (this: AudioContext) {
      w.tones++;
      return create.call(this);
    };
  });
  const room = uniqueRoom("sounds");
  const chat = await openChat(page, { room, hash: "#word=deploy&filteractive=true", identity: ME });
  const chip = page.getByRole("list", { name: "Filters" }).getByRole("listitem").filter({ hasText: "deploy" });

  await chip.getByRole("button", { name: "Sound for deploy: silent" }).click();
  await page.getByRole("menuitemradio", { name: "Blip" }).click();
  await expect(chip.getByRole("button", { name: "Sound for deploy: blip" })).toBeVisible();
  expect(await page.evaluate(() => localStorage.getItem("sww:sounds"))).toBe('{"w:deploy":"blip"}');
  const afterPreview = await page.evaluate(() => (window as unknown as { tones: number }).tones);
  expect(afterPreview).toBe(1);

  await page.mouse.move(5, 400);
  await postHuman(request, room, { ...PINGER, text: "deploy is done" });
  await expect(chat.item("deploy is done")).toBeVisible({ timeout: 3_000 });
  await expect(chip.getByRole("img", { name: "unread" })).toBeVisible();
  // One matching message: one tone (the 1 s cooldown between tones is unit-tested in lib/).
  expect(await page.evaluate(() => (window as unknown as { tones: number }).tones)).toBe(afterPreview + 1);
  await chip.hover();
  await expect(chip.getByRole("img", { name: "unread" })).toHaveCount(0);

  // The setting survives a reload.
  await page.reload();
  await expect(chip.getByRole("button", { name: "Sound for deploy: blip" })).toBeVisible();
});

test("the tab title counts unread messages while the tab is hidden (N2)", async ({ page, request }) => {
  await page.addInitScript(() => {
    const w = window as unknown as { fakeHidden: boolean };
    w.fakeHidden = false;
    Object.defineProperty(document, "hidden", { get: () => w.fakeHidden });
    Object.defineProperty(document, "visibilityState", { get: () => (w.fakeHidden ? "hidden" : "visible") });
  });
  const room = uniqueRoom("unread");
  await openChat(page, { room, identity: ME });
  await expect(page).toHaveTitle("Say What Want");
  await page.evaluate(() => {
    (window as unknown as { fakeHidden: boolean }).fakeHidden = true;
  });
  await postHuman(request, room, { ...PINGER, text: "one" });
  await postHuman(request, room, { ...PINGER, text: "two" });
  await expect(page).toHaveTitle("(2) Say What Want", { timeout: 5_000 });
  await page.evaluate(() => {
    (window as unknown as { fakeHidden: boolean }).fakeHidden = false;
    document.dispatchEvent(new Event("visibilitychange"));
  });
  await expect(page).toHaveTitle("Say What Want");
});

test("the entities list shows who is served and starts a conversation without writing a URL (E5, C9)", async ({
  page,
}) => {
  const chat = await openChat(page, { room: BOT_ROOM, identity: ME });
  await page.getByRole("button", { name: "AI entities" }).click();
  const entry = page.getByRole("menuitemradio", { name: new RegExp(`${ECHO.id}.*online`) });
  await expect(entry).toBeVisible({ timeout: 15_000 });
  await entry.click();
  expect(new URL(page.url()).hash).toBe(`#entity=${ECHO.id}`);
  await expect(page.getByText(`to ${ECHO.id} · online`)).toBeVisible();
  await expect(chat.messageBox).toHaveAttribute("placeholder", `Message ${ECHO.id}…`);
  await page.getByRole("button", { name: `Entity: ${ECHO.id}, online` }).click();
  await page.getByRole("menuitem", { name: `Stop addressing ${ECHO.id}` }).click();
  expect(new URL(page.url()).hash).toBe("");
});
