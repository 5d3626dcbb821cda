import { expect, type Page, test } from "@playwright/test";
import type { CommentsPage } from "../../types";
import { BOT_TOKEN } from "./support/api";
import { openChat } from "./support/chat-page";
import { PEOPLE, seedConversation } from "./support/seed-conversation";

/**
 * docs/screenshot-desktop.png and docs/screenshot-mobile.png (must-show 4). Opt-in:
 *   SWW_SCREENSHOTS=1 npx playwright test --grep @screenshots
 */

const { alice, kai, bob, mira, me } = PEOPLE;
const HASH = `#u=${[alice, kai, mira, bob].map((p) => `${p.username}:${p.color}`).join("+")}&-word=spam&filteractive=true&entity=sage`;

/**
 * The seed runs in a second, so every message would read "now". Spread the timestamps over the
 * last quarter hour, as a real morning would, before the page sees them.
 */
async function spreadTimes(page: Page) {
  await page.route("**/api/comments?*", async (route) => {
    if (route.request().method() !== "GET" || route.request().url().includes("cursor=")) return route.fallback();
    const response = await route.fetch();
    const body = (await response.json()) as CommentsPage;
    const count = body.comments.length;
    body.comments = body.comments.map((m, i) => ({ ...m, timestamp: m.timestamp - (count - 1 - i) * 70_000 }));
    await route.fulfill({ response, json: body });
  });
}

async function prepare(page: Page, room: string) {
  await spreadTimes(page);
  const chat = await openChat(page, { room, hash: HASH, identity: me });
  await expect(chat.item("tell me one thing about crows")).toBeVisible();
  await expect(page.getByText("to sage · online")).toBeVisible({ timeout: 20_000 });
  await expect(page.getByText("Sage is thinking")).toBeVisible({ timeout: 5_000 });
  await page.mouse.move(0, 0);
  return chat;
}

/** Sage's bot is "online" and is answering the last question (holding its lease). */
async function sageIsAnswering(request: Parameters<typeof seedConversation>[0], room: string) {
  const claim = await request.post(`/api/queue/claim-next?room=${room}`, {
    data: { workerId: "sage-bot", entities: ["sage"], wait: 0, leaseSeconds: 120 },
    headers: { Authorization: `Bearer ${BOT_TOKEN}` },
  });
  expect(claim.status()).toBe(200);
}

test.describe("@screenshots", () => {
  const room = "lobby";
  test.beforeAll(async ({ request }) => {
    await seedConversation(request, room);
    await sageIsAnswering(request, room);
  });

  test("desktop 1280×800", async ({ browser }) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await prepare(page, room);
    await page.screenshot({ path: "docs/screenshot-desktop.png" });
    await context.close();
  });

  test("mobile 390×844", async ({ browser }) => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await prepare(page, room);
    await page.screenshot({ path: "docs/screenshot-mobile.png" });
    await context.close();
  });
});
