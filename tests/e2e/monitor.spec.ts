import AxeBuilder from "@axe-core/playwright";
import { type APIRequestContext, expect, type Page, test } from "@playwright/test";
import type { ClaimResponse, Message } from "../../types";
import { BOT_TOKEN, postHuman, roomMessages, uniqueRoom } from "./support/api";
import { seedConversation } from "./support/seed-conversation";

/**
 * O1/O3: the queue monitor against the real Worker. The entity "monitor-test" is served by no
 * bot, so the test itself plays the bot: claim, fail, and see what an operator sees.
 */

const ENTITY = "monitor-test";
const WORKER = "w-monitor";
const ADMIN_TOKEN = "dev-admin-token";

async function claimAndFail(request: APIRequestContext, room: string, error: string): Promise<Message> {
  const claimed = await request.post(`/api/queue/claim-next?room=${room}`, {
    data: { workerId: WORKER, entities: [ENTITY] },
    headers: { Authorization: `Bearer ${BOT_TOKEN}` },
  });
  expect(claimed.status()).toBe(200);
  const { message, lease } = (await claimed.json()) as ClaimResponse;
  const failed = await request.post(`/api/queue/fail?room=${room}`, {
    data: { messageId: message.id, leaseToken: lease.token, error, retryable: false },
    headers: { Authorization: `Bearer ${BOT_TOKEN}` },
  });
  expect(failed.ok()).toBe(true);
  return message;
}

async function openMonitor(page: Page, room: string) {
  await page.goto(`/monitor?room=${room}`);
  await expect(page.getByRole("heading", { name: "Queue monitor", level: 1 })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Live" })).toBeVisible();
}

/** The action result the page announces as an alert (Next.js has its own, empty, route announcer). */
function notice(page: Page, text: string | RegExp = /\S/) {
  return page.getByRole("alert").filter({ hasText: text });
}

/** The number in one of the totals tiles (Pending, Failed, …). */
function totalTile(page: Page, label: string) {
  return page
    .getByRole("region", { name: "Queue totals" })
    .locator("div")
    .filter({ has: page.getByRole("term").filter({ hasText: new RegExp(`^${label}$`) }) })
    .getByRole("definition")
    .first();
}

test("the monitor shows counts to all, and a failure with its reason and the bot with the admin token; Requeue (O1, O3)", async ({
  page,
  request,
}) => {
  const room = uniqueRoom("monitor");
  const asked = await postHuman(request, room, {
    username: "Asker",
    color: "200150100",
    text: "is anybody serving monitor-test?",
    botParams: { entity: ENTITY },
  });
  await claimAndFail(request, room, "model exploded");

  await openMonitor(page, room);
  await expect(page.getByLabel("Room", { exact: true })).toHaveValue(room);

  const entityRow = page.getByRole("table", { name: "Queue by entity" }).getByRole("row", { name: new RegExp(ENTITY) });
  // Entity, pending, processing, failed, complete, oldest pending: aggregate counts are public.
  await expect(entityRow.getByRole("cell")).toHaveText(["0", "0", "1", "0", "—"]);

  // Without a token: failure reasons and bot ids are the operator's; the panels say so.
  const failures = page.getByRole("region", { name: "Recent failures" });
  await expect(failures).toContainText("Enter the admin token above to see this.");
  await expect(page.getByRole("region", { name: "Bots" })).toContainText("Enter the admin token above to see this.");
  await expect(page.getByText("model exploded")).toHaveCount(0);
  await expect(page.getByText(WORKER)).toHaveCount(0);

  // A wrong token: the server refuses (403) and the page says so; the detail stays hidden.
  await page.getByLabel("Admin token", { exact: true }).fill("not-the-token");
  await expect(page.getByText("Token refused (403)")).toBeVisible();
  await expect(page.getByText("model exploded")).toHaveCount(0);

  // The right token: the failure, with its reason, and the bot that polled.
  await page.getByLabel("Admin token", { exact: true }).fill(ADMIN_TOKEN);
  await expect(page.getByText("Token accepted")).toBeVisible();
  const failure = page.getByRole("list", { name: "Recent failures" }).getByRole("listitem");
  await expect(failure).toHaveCount(1);
  await expect(failure).toContainText(asked.id);
  await expect(failure).toContainText("model exploded");
  await expect(
    page.getByRole("list", { name: "Bots" }).getByRole("listitem").filter({ hasText: WORKER }),
  ).toContainText(/last poll (just now|\d+ s ago)/);

  // Requeue: counted as pending again, listed as waiting.
  const requeue = page.getByRole("button", { name: `Requeue ${asked.id}` });
  await requeue.click();
  await expect(page.getByRole("status").filter({ hasText: `Requeued ${asked.id}` })).toBeVisible();
  await expect(notice(page, "Requeue")).toHaveCount(0);
  await expect(entityRow.getByRole("cell")).toHaveText(["1", "0", "0", "0", /\d+ s/]);
  await expect(totalTile(page, "Pending")).toHaveText("1");
  await expect(failure).toHaveCount(0);
  await expect(page.getByRole("list", { name: "Waiting messages" })).toContainText(asked.id);

  // The token lives in this tab's sessionStorage, never in the URL.
  expect(page.url()).not.toContain(ADMIN_TOKEN);
  expect(await page.evaluate(() => sessionStorage.getItem("sww:admin-token"))).toBe(ADMIN_TOKEN);
  expect(await page.evaluate(() => localStorage.getItem("sww:admin-token"))).toBeNull();

  // The server agrees: pending, attempts reset.
  const [stored] = (await roomMessages(request, room)).filter((m) => m.id === asked.id);
  expect([stored?.botParams?.status, stored?.botParams?.attempts]).toEqual(["pending", 0]);

  // Fail it by hand from the waiting list, with a reason.
  await page.getByRole("button", { name: `Fail ${asked.id}` }).click();
  await page.getByLabel(`Reason for failing ${asked.id}`).fill("nobody serves this entity");
  await page.getByRole("button", { name: `Confirm fail ${asked.id}` }).click();
  await expect(failure).toHaveCount(1);
  await expect(failure).toContainText("nobody serves this entity");
  await expect(entityRow.getByRole("cell")).toHaveText(["0", "0", "1", "0", "—"]);
});

test("a lease shows who holds it and when it expires; the monitor has no serious a11y issues", async ({
  page,
  request,
}) => {
  const room = uniqueRoom("monitor-lease");
  const asked = await postHuman(request, room, {
    username: "Asker",
    color: "200150100",
    text: "hold this one",
    botParams: { entity: ENTITY },
  });
  const claimed = await request.post(`/api/queue/claim-next?room=${room}`, {
    data: { workerId: WORKER, entities: [ENTITY], leaseSeconds: 120 },
    headers: { Authorization: `Bearer ${BOT_TOKEN}` },
  });
  expect(claimed.status()).toBe(200);

  await openMonitor(page, room);
  // Lease holders are admin-only detail.
  await page.getByLabel("Admin token", { exact: true }).fill(ADMIN_TOKEN);
  const lease = page.getByRole("list", { name: "Leases" }).getByRole("listitem");
  await expect(lease).toContainText(asked.id);
  await expect(lease).toContainText(`held by ${WORKER}`);
  await expect(lease).toContainText(/expires in 1 m|expires in \d+ s/);
  await expect(page.getByRole("button", { name: `Requeue ${asked.id}` })).toBeVisible();

  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const serious = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(" ")) }));
  expect(serious).toEqual([]);

  // Another room from the field: the URL follows (the token never does).
  await page.getByLabel("Room", { exact: true }).fill("global");
  await page.getByRole("button", { name: "Watch" }).click();
  await expect(page).toHaveURL(/\/monitor$/);
  await expect(page.getByText(asked.id)).toHaveCount(0);
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test("the monitor holds its layout", async ({ page, request }) => {
    const room = uniqueRoom("monitor-phone");
    const asked = await postHuman(request, room, {
      username: "Asker",
      color: "200150100",
      text: "a phone-sized failure",
      botParams: { entity: ENTITY },
    });
    await claimAndFail(request, room, "a rather long reason that has to wrap on a narrow screen without overflowing");
    await openMonitor(page, room);
    // Failures (with their Requeue) are admin-only detail.
    await page.getByLabel("Admin token", { exact: true }).fill(ADMIN_TOKEN);
    const requeue = page.getByRole("button", { name: `Requeue ${asked.id}` });
    await requeue.scrollIntoViewIfNeeded();
    await expect(requeue).toBeInViewport();
    const box = await requeue.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    // Every column of the per-entity table fits, and nothing scrolls sideways.
    const table = page.getByRole("table", { name: "Queue by entity" });
    expect(await table.evaluate((el) => el.scrollWidth <= (el.parentElement?.clientWidth ?? 0))).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });
});

/**
 * docs/screenshot-monitor.png: a room an operator would look at. Opt-in, and slow on purpose (about
 * 70 s): storage rates are measured over whole minutes and a bot only goes stale after one, so the
 * picture shows real numbers, not doctored ones.
 *   SWW_SCREENSHOTS=1 npx playwright test --grep @screenshots
 */
test.describe("@screenshots", () => {
  const room = "ops";
  const profiles = {
    sage: { id: "sage", username: "Sage", color: "120200150" },
    nova: { id: "nova", username: "Nova", color: "200150255" },
    echo: { id: "echo", username: "Echo", color: "255190120" },
  };
  const people = [
    { username: "Mira", color: "240200100" },
    { username: "kai_", color: "120200255" },
    { username: "Alice", color: "255170120" },
  ];

  test("monitor 1280×800", async ({ browser, request }) => {
    test.setTimeout(180_000);
    const auth = { Authorization: `Bearer ${BOT_TOKEN}` };
    const poll = (workerId: string, entity: keyof typeof profiles, leaseSeconds = 60) =>
      request.post(`/api/queue/claim-next?room=${room}`, {
        data: { workerId, entities: [entity], profiles: [profiles[entity]], leaseSeconds },
        headers: auth,
      });
    const ask = (i: number, entity: keyof typeof profiles, text: string, priority = 10) =>
      postHuman(request, room, { ...people[i % people.length]!, text, botParams: { entity, priority } });

    // A bot that served nova, then went quiet: nova's questions will wait.
    expect((await poll("old-laptop", "nova")).status()).toBe(204);
    await seedConversation(request, room);
    await ask(0, "nova", "nova, can you summarise the thread so far?");
    await ask(1, "nova", "nova what's the weather like in lisbon");
    await ask(2, "nova", "nova, write me a haiku about queues");

    // Sage's bot: two failures, three answers.
    const sage = [
      "sage, explain leases like I'm five",
      "sage what is the longest word you know",
      "sage, one line on why crows are smart",
      "sage: favourite prime?",
      "sage, name a good tea",
    ];
    for (const text of sage) await ask(sage.indexOf(text), "sage", text);
    for (const error of [
      "LLM request failed: 503 Service Unavailable",
      "context too long for model (8,412 > 8,192 tokens)",
    ]) {
      const { message, lease } = (await (await poll("gpu-box-1", "sage")).json()) as ClaimResponse;
      const failed = await request.post(`/api/queue/fail?room=${room}`, {
        data: { messageId: message.id, leaseToken: lease.token, error, retryable: false },
        headers: auth,
      });
      expect(failed.ok()).toBe(true);
    }
    for (const text of [
      "Small enough to hold, long enough to finish.",
      "Prime: 7. Tea: sencha.",
      "Pattern, memory, mischief.",
    ]) {
      const { message, lease } = (await (await poll("gpu-box-1", "sage")).json()) as ClaimResponse;
      const done = await request.post(`/api/queue/complete?room=${room}`, {
        data: { messageId: message.id, leaseToken: lease.token, reply: { text, ...profiles.sage } },
        headers: auth,
      });
      expect(done.ok()).toBe(true);
    }

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`/monitor?room=${room}`);
    await page.getByLabel("Admin token", { exact: true }).fill("dev-admin-token");
    await expect(page.getByText("Token accepted")).toBeVisible();

    // A minute of a live room: people talk while the storage window fills and old-laptop goes stale.
    for (let i = 0; i < 6; i++) {
      await postHuman(request, room, { ...people[i % 3]!, text: `still here ${i}` });
      await page.waitForTimeout(10_500);
    }
    await ask(0, "sage", "sage, are you still there?");
    await ask(1, "sage", "sage tell me about the netsplit days");
    await ask(2, "echo", "echo: testing testing");
    expect((await poll("gpu-box-1", "sage", 120)).status()).toBe(200);
    expect((await poll("gpu-box-1", "sage", 90)).status()).toBe(200);
    expect((await poll("echo-bot", "echo", 45)).status()).toBe(200);

    await expect(page.getByText("Rates are measured over whole minutes")).toHaveCount(0, { timeout: 10_000 });
    await expect(page.getByRole("list", { name: "Leases" }).getByRole("listitem")).toHaveCount(3);
    await expect(page.getByRole("list", { name: "Bots" }).getByText("stale", { exact: true })).toBeVisible();
    await page.mouse.move(0, 0);
    await page.screenshot({ path: "docs/screenshot-monitor.png" });
    await context.close();
  });
});

test("an operator creates a bot token for one entity, sees it once, and revokes it (O7)", async ({ page, request }) => {
  const room = uniqueRoom("monitor-tokens");
  await postHuman(request, room, {
    username: "Asker",
    color: "200150100",
    text: "wren?",
    botParams: { entity: "wren" },
  });
  await openMonitor(page, room);
  const panel = page.getByRole("region", { name: "Bot tokens" });
  await expect(panel).toContainText("Enter the admin token above to manage bot tokens.");
  await page.getByLabel("Admin token", { exact: true }).fill(ADMIN_TOKEN);

  const name = `e2e-${Date.now().toString(36)}`;
  await panel.getByLabel("Token name").fill(name);
  await panel.getByLabel("Entities it may speak as").fill("sage");
  await panel.getByRole("button", { name: "Create" }).click();
  const secret = await panel.getByLabel(`New token for ${name}`).inputValue();
  expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  await expect(panel.getByRole("list", { name: "Bot tokens" })).toContainText(name);

  // The token works for sage only: wren's work is refused with its code.
  const asBot = (entities: string[]) =>
    request.post(`/api/queue/claim-next?room=${room}`, {
      data: { workerId: "e2e", entities },
      headers: { Authorization: `Bearer ${secret}` },
    });
  const wren = await asBot(["wren"]);
  expect([wren.status(), (await wren.json()).code]).toEqual([403, "forbidden"]);
  expect((await asBot(["sage"])).status()).toBe(204);

  await panel.getByRole("button", { name: "Done" }).click();
  await expect(panel.getByLabel(`New token for ${name}`)).toHaveCount(0);
  await panel.getByRole("button", { name: `Revoke ${name}` }).click();
  await expect(panel.getByRole("button", { name: `Revoke ${name}` })).toHaveCount(0);
  expect((await asBot(["sage"])).status()).toBe(403);
});
