import { expect, test } from "@playwright/test";
import { postHuman, uniqueRoom } from "./support/api";
import { openChat } from "./support/chat-page";

test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });

const ME = { username: "Pocket", color: "150220255" };

test("on a phone the message box stays visible, also when the keyboard takes half the screen (C8)", async ({
  page,
  request,
}) => {
  const room = uniqueRoom("mobile");
  for (let i = 1; i <= 40; i++) {
    await postHuman(request, room, { username: "Chatty", color: "255200120", text: `message number ${i}` });
  }
  const chat = await openChat(page, { room, identity: ME });
  // The layout viewport shrinks with the on-screen keyboard (not overlaid by it).
  await expect(page.locator('meta[name="viewport"]')).toHaveAttribute("content", /interactive-widget=resizes-content/);

  for (const box of [chat.messageBox, chat.sendButton, chat.usernameBox])
    await expect(box).toBeInViewport({ ratio: 1 });
  await expect(chat.item(/message number 40$/)).toBeInViewport();

  // What `resizes-content` does when the keyboard opens: the viewport gets shorter.
  await chat.messageBox.tap();
  await page.setViewportSize({ width: 390, height: 420 });
  await expect(chat.messageBox).toBeInViewport({ ratio: 1 });
  await expect(chat.sendButton).toBeInViewport({ ratio: 1 });
  await chat.messageBox.fill("typed with the keyboard open");
  await chat.sendButton.tap();
  await expect(chat.item("typed with the keyboard open")).toBeInViewport();
  await expect(chat.messageBox).toBeInViewport({ ratio: 1 });
  // Nothing scrolls sideways on a narrow screen.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});
