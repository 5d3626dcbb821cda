import { expect, type Page, test } from "@playwright/test";
import { postHuman, postReply, uniqueRoom } from "./support/api";

/**
 * O5: the monitor's charts draw the room's per-minute series from the real Worker and move when
 * new messages arrive. The entity "charts-test" is served by no bot: the test answers by hand.
 */

const ENTITY = "charts-test";
const ADMIN_TOKEN = "dev-admin-token";

function chart(page: Page, title: string) {
  return page.getByRole("figure", { name: title });
}

async function seed(request: Parameters<typeof postHuman>[0], room: string, n: number, from = 0) {
  for (let i = 0; i < n; i++) {
    await postHuman(request, room, { username: "Mira", color: "240200100", text: `chart message ${from + i}` });
  }
}

test("the charts draw a room with traffic and move when new messages arrive (O5)", async ({ page, request }) => {
  const room = uniqueRoom("charts");
  await seed(request, room, 3);
  const asked = await postHuman(request, room, {
    username: "Asker",
    color: "200150100",
    text: "how fast is the answer?",
    botParams: { entity: ENTITY },
  });
  await postReply(request, room, asked.id, { text: "quite fast", username: "Charty", color: "120200150" });

  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.goto(`/monitor?room=${room}`);
  await expect(page.getByRole("status").filter({ hasText: "Live" })).toBeVisible();

  const messages = chart(page, "Messages per minute");
  await expect(messages).toContainText("4 messages · 1 reply · 0 failures in the last hour");
  // uPlot arrives in its own chunk and draws on a canvas.
  await expect(messages.locator("canvas")).toBeVisible();
  await expect(messages.locator("[data-points]")).toHaveAttribute("data-points", "60");
  await expect(chart(page, "Storage work per minute").locator("canvas")).toBeVisible();
  await expect(chart(page, "Storage work per minute")).toContainText(/[1-9][\d,]* rows written/);

  // Reply latency is the admin's view: an empty state without the token, a chart with it.
  const latency = chart(page, "Reply latency");
  await expect(latency).toContainText("Enter the admin token above");
  await expect(latency.locator("canvas")).toHaveCount(0);
  await page.getByLabel("Admin token", { exact: true }).fill(ADMIN_TOKEN);
  await expect(latency.locator("canvas")).toBeVisible();
  await expect(latency).toContainText(/p95 up to \d/);

  // New messages: the next refresh (every 2 s) moves the chart without reloading the page.
  const before = await messages.locator("canvas").screenshot();
  await seed(request, room, 5, 3);
  await expect(messages).toContainText("9 messages · 1 reply");
  await expect.poll(async () => (await messages.locator("canvas").screenshot()).equals(before)).toBe(false);

  // The 24 h range: 1,440 minutes, the same counts.
  await page.getByRole("button", { name: "24 h" }).click();
  await expect(messages).toContainText("9 messages · 1 reply · 0 failures in the last 24 hours");
  await expect(messages.locator("[data-points]")).toHaveAttribute("data-points", "1440");
  await page.getByRole("button", { name: "1 h" }).click();
  await expect(messages.locator("[data-points]")).toHaveAttribute("data-points", "60");

  // The docs' picture is rewritten only on request, so a test run leaves the tree clean.
  if (process.env.SWW_SCREENSHOTS) {
    await page.getByRole("region", { name: "Activity" }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: "docs/screenshot-monitor-charts.png" });
  }
});

test("an empty room says so instead of drawing empty charts", async ({ page }) => {
  const room = uniqueRoom("charts-empty");
  await page.goto(`/monitor?room=${room}`);
  await expect(chart(page, "Messages per minute")).toContainText("No messages in the last hour.");
  await expect(chart(page, "Queue")).toContainText("Nothing waited in the last hour.");
  await expect(chart(page, "Messages per minute").locator("canvas")).toHaveCount(0);
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test("the charts fit the screen", async ({ page, request }) => {
    const room = uniqueRoom("charts-phone");
    await seed(request, room, 2);
    await page.goto(`/monitor?room=${room}`);
    const canvas = chart(page, "Messages per minute").locator("canvas");
    await canvas.scrollIntoViewIfNeeded();
    await expect(canvas).toBeVisible();
    const box = await canvas.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });
});
