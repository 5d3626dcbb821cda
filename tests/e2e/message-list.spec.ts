import { expect, test } from "@playwright/test";
import { postHuman, uniqueRoom } from "./support/api";
import { openChat } from "./support/chat-page";

const WRITER = { username: "Writer", color: "180220255" };
const READER = { username: "Reader", color: "255220180" };

test("scrolling to the top loads older history and keeps the view steady (C2, C3)", async ({ page, request }) => {
  // Seeding is 260 posts one after another (each awaited, so seq order is line order); beside the
  // rest of npm test on a loaded 2-core machine that alone ran past the default 30 s.
  test.setTimeout(60_000);
  const room = uniqueRoom("history");
  for (let i = 1; i <= 260; i++) await postHuman(request, room, { ...WRITER, text: `line ${i}` });
  // The page's first window is the KV snapshot, which a busy room's alarm rewrites every 5 s
  // (workers/room/snapshot-cadence.ts): wait until it covers the last post, so the window is
  // exactly the newest 200 and older history is left to load.
  await expect
    .poll(async () => (await (await request.get(`/api/comments?room=${room}&cached=1`)).json()).cursor, {
      timeout: 15_000,
    })
    .toBe(260);
  const chat = await openChat(page, { room, identity: READER });
  // The recent window (200) arrives first, newest at the bottom.
  await expect(chat.item(/^.*line 260$/)).toBeVisible();
  await expect(chat.list.getByRole("listitem").last()).toHaveAttribute("aria-setsize", "200");

  const scroller = page.locator(".scroll-area");
  await scroller.evaluate((el) => {
    el.scrollTop = 0;
  });
  await expect(chat.list.getByRole("listitem").first()).toHaveAttribute("aria-setsize", "260");
  // The message that was on top ("line 61") is still on screen, not jumped away from.
  const anchor = chat.item(/line 61$/);
  await expect(anchor).toBeInViewport();
  await expect(page.getByText("Beginning of the conversation")).toBeAttached();
  await scroller.evaluate((el) => {
    el.scrollTop = 0;
  });
  await expect(chat.item(/line 1$/)).toBeVisible();
});

test("new messages scroll into view only when already at the bottom; otherwise a button offers them (C7)", async ({
  page,
  request,
}) => {
  const room = uniqueRoom("autoscroll");
  for (let i = 1; i <= 60; i++) await postHuman(request, room, { ...WRITER, text: `old ${i}` });
  const chat = await openChat(page, { room, identity: READER });
  await expect(chat.item(/old 60$/)).toBeInViewport();

  await postHuman(request, room, { ...WRITER, text: "arrives at the bottom" });
  await expect(chat.item("arrives at the bottom")).toBeInViewport({ timeout: 3_000 });

  const scroller = page.locator(".scroll-area");
  await scroller.hover();
  await page.mouse.wheel(0, -600);
  await expect(chat.item("arrives at the bottom")).not.toBeInViewport();
  await postHuman(request, room, { ...WRITER, text: "arrives while reading" });
  const button = page.getByRole("button", { name: /1 new message/ });
  await expect(button).toBeVisible({ timeout: 3_000 });
  await expect(chat.item("arrives while reading")).not.toBeInViewport();
  await button.click();
  await expect(chat.item("arrives while reading")).toBeInViewport();
  await expect(button).toBeHidden();
});

test("messages are text, never HTML, and links are safe (C1, X3)", async ({ page, request }) => {
  const room = uniqueRoom("render");
  await postHuman(request, room, {
    ...WRITER,
    text: '<img src=x onerror="window.pwned=1"> <b>bold?</b> see https://example.com/path?q=1 or javascript:alert(1)',
  });
  const chat = await openChat(page, { room, identity: READER });
  const row = chat.item("bold?");
  await expect(row).toContainText('<img src=x onerror="window.pwned=1"> <b>bold?</b>');
  await expect(row.locator("img, b")).toHaveCount(0);
  const link = row.getByRole("link");
  await expect(link).toHaveCount(1);
  await expect(link).toHaveAttribute("href", "https://example.com/path?q=1");
  await expect(link).toHaveAttribute("rel", "noopener noreferrer");
  await expect(link).toHaveAttribute("target", "_blank");
  expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
  await expect(row.getByRole("time")).toHaveText("now");
});

test("relative times keep up while the page stays open (C1)", async ({ page, request }) => {
  const room = uniqueRoom("times");
  await page.clock.install();
  await postHuman(request, room, { ...WRITER, text: "time flies" });
  const chat = await openChat(page, { room, identity: READER });
  const time = chat.item("time flies").getByRole("time");
  await expect(time).toHaveText("now");
  await page.clock.fastForward("06:00");
  await expect(time).toHaveText("6m");
  await page.clock.fastForward("02:00:00");
  await expect(time).toHaveText("2h");
});
