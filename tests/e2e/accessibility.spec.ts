import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { uniqueRoom } from "./support/api";
import { openChat } from "./support/chat-page";
import { PEOPLE, seedConversation } from "./support/seed-conversation";

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(" ")) }));
}

test("axe-core finds no serious or critical violations in a live conversation", async ({ page, request }) => {
  const room = uniqueRoom("a11y");
  await seedConversation(request, room);
  const { alice, kai, bob, me } = PEOPLE;
  await openChat(page, {
    room,
    hash: `#u=${alice.username}:${alice.color}+${kai.username}:${kai.color}+${bob.username}:${bob.color}&-word=spam&filteractive=true&entity=sage`,
    identity: me,
  });
  await expect(page.getByText("waiting for sage")).toBeVisible();
  const onPage = await seriousViolations(page);
  console.log(`axe (page): ${onPage.length} serious/critical violations`);
  expect(onPage).toEqual([]);

  await page.getByRole("button", { name: "Conversation menu" }).click();
  await expect(page.getByRole("menu")).toBeVisible();
  const withMenu = await seriousViolations(page);
  console.log(`axe (title menu open): ${withMenu.length} serious/critical violations`);
  expect(withMenu).toEqual([]);
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  test("axe-core finds no serious or critical violations", async ({ page, request }) => {
    const room = uniqueRoom("a11y-mobile");
    await seedConversation(request, room);
    await openChat(page, { room, identity: PEOPLE.me });
    const violations = await seriousViolations(page);
    console.log(`axe (phone): ${violations.length} serious/critical violations`);
    expect(violations).toEqual([]);
  });
});
