import { expect, test } from "@playwright/test";
import { postHuman, uniqueRoom } from "./support/api";
import { openChat } from "./support/chat-page";

// Playwright launches Chromium with the back/forward cache turned off; this file needs it on.
test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
    ignoreDefaultArgs: ["--disable-back-forward-cache"],
  },
});

/**
 * A page left and come back to is restored from the back/forward cache (instant, with its scroll
 * and state), not loaded again: its live socket closes on `pagehide` and resumes from its cursor
 * on `pageshow`, so a message posted while it was away shows, exactly once.
 */
test("the chat comes back from the back/forward cache and shows what was posted meanwhile, once", async ({
  page,
  request,
}) => {
  await page.addInitScript(() => {
    const shows: boolean[] = [];
    (window as unknown as { __pageshows: boolean[] }).__pageshows = shows;
    window.addEventListener("pageshow", (event) => shows.push(event.persisted));
  });
  const room = uniqueRoom("bfcache");
  await postHuman(request, room, { username: "Ann", color: "255180120", text: "before leaving" });
  const chat = await openChat(page, { room, identity: { username: "Ben", color: "120180255" } });
  await expect(chat.item("before leaving")).toHaveCount(1);
  // Live first: the socket is what would keep the page out of the cache.
  await expect(page.locator("[data-connection=live]")).toBeVisible();

  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Page.enable");
  cdp.on("Page.backForwardCacheNotUsed", (e) => console.log("BFC", JSON.stringify(e.notRestoredExplanations)));
  await page.goto("/robots.txt");
  await postHuman(request, room, { username: "Ann", color: "255180120", text: "posted while away" });
  // A restore from the cache fires no `load`: wait for the navigation to commit, then for `pageshow`.
  await page.goBack({ waitUntil: "commit" });

  const shows = () => page.evaluate(() => (window as unknown as { __pageshows?: boolean[] }).__pageshows);
  // The same document: its first pageshow, then a restore from the cache (a reload would start over at [false]).
  await expect.poll(shows).toEqual([false, true]);
  await expect(chat.item("posted while away")).toHaveCount(1);
  await expect(chat.item("before leaving")).toHaveCount(1);
  // Later frames do not bring it again.
  await page.waitForTimeout(1_500);
  await expect(chat.item("posted while away")).toHaveCount(1);
  const ids = await chat.renderedIds();
  expect(new Set(ids).size).toBe(ids.length);
});
