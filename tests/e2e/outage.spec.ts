import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { freePort, startWorker } from "../support/worker-process";
import { ChatPage } from "./support/chat-page";

const ME = { username: "Ola", color: "100200150" };

test("C11: the Worker is stopped while a person sends; it shows retrying, then is stored once and shows once", async ({
  page,
}) => {
  test.setTimeout(120_000);
  // A Worker of this test's own, so it can be stopped and started again on the same state and port.
  const stateDir = mkdtempSync(join(tmpdir(), "sww-outage-"));
  const port = await freePort();
  let worker = await startWorker({ port, stateDir });
  try {
    const room = `outage-${Date.now().toString(36)}`;
    await page.addInitScript(
      ([u, c]) => {
        localStorage.setItem("sww:username", u);
        localStorage.setItem("sww:color", c);
      },
      [ME.username, ME.color] as const,
    );
    await page.goto(`${worker.url}/?room=${room}`);
    const chat = new ChatPage(page);
    await expect(chat.list).toHaveAttribute("aria-busy", "false");
    await expect(page.locator("[data-connection]")).toHaveAttribute("data-connection", "live");

    await worker.stop();
    await chat.send("sent while the server was down");
    const row = chat.item("sent while the server was down");
    await expect(row.locator('[data-queue-state="retrying"]')).toBeVisible({ timeout: 10_000 });
    await expect(row.getByRole("button", { name: "Retry" })).toHaveCount(0);

    worker = await startWorker({ port, stateDir });
    // Retried by itself with the same id: the marker goes once the server acknowledges it.
    await expect(row.locator("[data-queue-state]")).toHaveCount(0, { timeout: 30_000 });
    await expect(page.locator("[data-connection]")).toHaveAttribute("data-connection", "live", { timeout: 30_000 });
    await page.waitForTimeout(1_500);
    await expect(chat.item("sent while the server was down")).toHaveCount(1);
    const stored = (await (await fetch(`${worker.url}/api/comments?room=${room}&cursor=0`)).json()) as {
      comments: { text: string }[];
    };
    expect(stored.comments.filter((m) => m.text === "sent while the server was down")).toHaveLength(1);
  } finally {
    await worker.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
});
