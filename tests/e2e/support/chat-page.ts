import { type Browser, type BrowserContext, expect, type Locator, type Page } from "@playwright/test";

export interface Identity {
  username: string;
  color: string;
}

/** Opens the chat in `room` with `hash`, as a person who already chose a name and color. */
export async function openChat(
  page: Page,
  opts: { room: string; hash?: string; identity?: Identity },
): Promise<ChatPage> {
  if (opts.identity) {
    const { username, color } = opts.identity;
    await page.addInitScript(
      ([u, c]) => {
        if (!localStorage.getItem("sww:username")) localStorage.setItem("sww:username", u);
        if (!localStorage.getItem("sww:color")) localStorage.setItem("sww:color", c);
      },
      [username, color] as const,
    );
  }
  await page.goto(`/?room=${opts.room}${opts.hash ?? ""}`);
  const chat = new ChatPage(page);
  await expect(chat.list).toHaveAttribute("aria-busy", "false");
  return chat;
}

export async function newContext(
  browser: Browser,
  options: Parameters<Browser["newContext"]>[0] = {},
): Promise<BrowserContext> {
  return browser.newContext({ ...options });
}

/** The page as a user (and a screen reader) sees it: by role and accessible name. */
export class ChatPage {
  readonly page: Page;
  readonly list: Locator;
  readonly messageBox: Locator;
  readonly usernameBox: Locator;
  readonly sendButton: Locator;
  readonly titleMenuButton: Locator;

  constructor(page: Page) {
    this.page = page;
    this.list = page.getByRole("list", { name: "Messages" });
    this.messageBox = page.getByRole("textbox", { name: "Message", exact: true });
    this.usernameBox = page.getByRole("textbox", { name: "Username" });
    this.sendButton = page.getByRole("button", { name: "Send" });
    this.titleMenuButton = page.getByRole("button", { name: "Conversation menu" });
  }

  items(): Locator {
    return this.list.getByRole("listitem");
  }

  item(text: string | RegExp): Locator {
    return this.items().filter({ hasText: text });
  }

  async send(text: string): Promise<void> {
    await this.messageBox.fill(text);
    await this.messageBox.press("Enter");
  }

  async exportItem(name: string): Promise<void> {
    await this.titleMenuButton.click();
    await this.page.getByRole("menuitem", { name, exact: true }).click();
  }

  /** Clicks (or double-clicks) the middle of `word` in a row's text, where a person would. */
  async clickWord(row: Locator, word: string, options: { clickCount?: number; button?: "left" | "right" } = {}) {
    const point = await row.evaluate((el, w) => {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = new RegExp(`(?<![\\p{L}\\p{N}_])${w}(?![\\p{L}\\p{N}_])`, "u").exec(node.textContent ?? "");
        if (!at || node.parentElement?.closest("button, time")) continue;
        const range = document.createRange();
        range.setStart(node, at.index);
        range.setEnd(node, at.index + w.length);
        const rect = range.getBoundingClientRect();
        return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
      }
      throw new Error(`word "${w}" not found in the row`);
    }, word);
    await this.page.mouse.click(point.x, point.y, options);
  }

  /** Every message id rendered right now (the list is virtualised: the visible ones). */
  async renderedIds(): Promise<string[]> {
    return this.items().evaluateAll((els) => els.map((el) => el.getAttribute("data-id") ?? ""));
  }
}
