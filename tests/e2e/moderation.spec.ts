import { readFile } from "node:fs/promises";
import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import type { Message } from "../../types";
import { postHuman, uniqueRoom } from "./support/api";
import { openChat } from "./support/chat-page";

/**
 * O9: an operator removes a message from the monitor in one browser, and it
 * leaves the chat open in another browser without a reload; exports taken afterwards lack it.
 */

const ADMIN_TOKEN = "dev-admin-token";
const ALICE = { username: "Alice", color: "200100050" };
const TROLL = { username: "Troll", color: "255000000" };
const VIEWER = { username: "Viewer", color: "050100200" };

test("an operator mutes an abuser and removes its message from the monitor; it disappears from another browser and from every export", async ({
  browser,
  request,
}) => {
  const room = uniqueRoom("moderation");
  await postHuman(request, room, { ...ALICE, text: "good morning everyone" });
  const abuse = await postHuman(request, room, { ...TROLL, text: "ABUSIVE-TEXT-42 go away" });
  await postHuman(request, room, { ...ALICE, text: "anyway, the weather is nice" });

  // Browser 1: a person reading the chat.
  const viewerContext = await browser.newContext({ permissions: ["clipboard-read", "clipboard-write"] });
  const viewerPage = await viewerContext.newPage();
  const chat = await openChat(viewerPage, { room, identity: VIEWER });
  await expect(chat.item("ABUSIVE-TEXT-42")).toHaveCount(1);
  await expect(chat.item("good morning everyone")).toHaveCount(1);

  // Browser 2: the operator's monitor.
  const operatorContext = await browser.newContext();
  const monitor = await operatorContext.newPage();
  await monitor.goto(`/monitor?room=${room}`);
  await monitor.getByLabel("Admin token", { exact: true }).fill(ADMIN_TOKEN);
  const recent = monitor.getByRole("list", { name: "Recent messages" });
  await expect(recent.getByRole("listitem").filter({ hasText: "ABUSIVE-TEXT-42" })).toHaveCount(1);
  // First stop the abuser: mute that exact identity from its row, for a chosen time.
  await monitor.getByRole("button", { name: `Mute the poster of ${abuse.id}` }).click();
  const muteForm = monitor.getByRole("form", { name: `Mute the poster of ${abuse.id}` });
  await expect(muteForm.getByLabel("Mute whom")).toBeFocused();
  await muteForm.getByLabel("Mute for").selectOption({ label: "1 day" });
  await muteForm.getByLabel("Reason for the mute").fill("abuse");
  await muteForm.getByRole("button", { name: "Mute", exact: true }).click();
  await expect(monitor.getByRole("list", { name: "Active mutes" })).toContainText("Troll (255000000)");
  const refused = await request.post(`/api/comments?room=${room}`, {
    data: { ...TROLL, text: "ABUSIVE-TEXT-43", "message-type": "human" },
  });
  expect(refused.status()).toBe(403);
  expect(((await refused.json()) as { code: string }).code).toBe("muted");

  await monitor.getByRole("button", { name: `Remove ${abuse.id}`, exact: true }).click();
  // Keyboard only from here: the reason box has focus, Enter submits.
  const reason = monitor.getByLabel(`Reason for removing ${abuse.id}`);
  await expect(reason).toBeFocused();
  await reason.fill("harassment");
  await reason.press("Enter");
  await expect(monitor.getByRole("status").filter({ hasText: `Removed ${abuse.id}` })).toBeVisible();
  await expect(recent.getByRole("listitem").filter({ hasText: "removed" })).toContainText("harassment");
  await expect(monitor.getByRole("button", { name: `Restore ${abuse.id}` })).toBeVisible();
  const audit = monitor.getByRole("list", { name: "Audit trail" });
  await expect(audit.getByRole("listitem").first()).toContainText(`admin removed message ${abuse.id}: harassment`);
  await expect(audit.getByRole("listitem").nth(1)).toContainText("admin muted Troll (255000000): abuse");
  // The moderation panels, filled, have no serious accessibility problems.
  const axe = await new AxeBuilder({ page: monitor }).analyze();
  expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);

  // Browser 1, no reload: the row goes, the others stay.
  await expect(chat.item("ABUSIVE-TEXT-42")).toHaveCount(0, { timeout: 10_000 });
  await expect(chat.item("good morning everyone")).toHaveCount(1);
  await expect(chat.item("anyway, the weather is nice")).toHaveCount(1);
  expect(await chat.renderedIds()).not.toContain(abuse.id);

  // Exports taken afterwards do not contain its text.
  await chat.exportItem("Copy ALL");
  await expect(viewerPage.getByRole("status").filter({ hasText: "Copied 2 messages" })).toBeVisible();
  const copied = await viewerPage.evaluate(() => navigator.clipboard.readText());
  expect(copied).toContain("good morning everyone");
  expect(copied).not.toContain("ABUSIVE-TEXT-42");

  await chat.exportItem("Copy ALL - verbose");
  await expect(viewerPage.getByRole("status").filter({ hasText: "verbose" })).toBeVisible();
  const verbose = await viewerPage.evaluate(() => navigator.clipboard.readText());
  expect(verbose).toContain("Total Messages: 2");
  expect(verbose).not.toContain("ABUSIVE-TEXT-42");
  expect(verbose).not.toContain(abuse.id);

  for (const item of ["Save ALL", "Download JSON", "Download Markdown"]) {
    const download = viewerPage.waitForEvent("download");
    await chat.exportItem(item);
    const file = await readFile((await (await download).path()) ?? "", "utf8");
    expect(file, item).toContain("good morning everyone");
    expect(file, item).not.toContain("ABUSIVE-TEXT-42");
  }

  // A new visitor (recent window from the KV snapshot) and the full history never carry it either.
  const window = await request.get(`/api/comments?room=${room}`);
  expect(await window.text()).not.toContain("ABUSIVE-TEXT-42");
  const history = (await (await request.get(`/api/comments?room=${room}&cursor=0`)).json()) as { comments: Message[] };
  expect(history.comments.map((m) => m.seq)).toEqual([1, 2, 3]);
  expect(JSON.stringify(history)).not.toContain("ABUSIVE-TEXT-42");

  await viewerContext.close();
  await operatorContext.close();
});
