import { expect, test } from "@playwright/test";
import { postHuman, postReply, uniqueRoom } from "./support/api";
import { openChat } from "./support/chat-page";

const ALICE = { username: "Alice", color: "200100050" };
const BOB = { username: "Bob", color: "100200050" };
const SYMBOLS = { username: "Zoë&#%:)", color: "255000255" };
const VIEWER = { username: "Viewer", color: "010200100" };

async function seedRoom(request: Parameters<typeof postHuman>[0]) {
  const room = uniqueRoom("filters");
  await postHuman(request, room, { ...ALICE, text: "deploy went fine today" });
  await postHuman(request, room, { ...ALICE, text: "deploy spam incoming" });
  await postHuman(request, room, { ...BOB, text: "bob says deploy too" });
  await postHuman(request, room, { ...SYMBOLS, text: "symbols in my name" });
  const asked = await postHuman(request, room, { ...BOB, text: "entity, hello", botParams: { entity: "x" } });
  await postReply(request, room, asked.id, { username: "Ent", color: "255255000", text: "hello bob, deploy away" });
  return room;
}

test("filters from a pasted URL: users, words, negative words and channel apply as the hash says", async ({
  page,
  request,
}) => {
  const room = await seedRoom(request);
  const chat = await openChat(page, {
    room,
    hash: "#u=Alice:200100050+Bob:100200050&word=deploy&-word=spam&filteractive=true&mt=human",
    identity: VIEWER,
  });
  await expect(chat.items()).toHaveCount(2);
  await expect(chat.item("deploy went fine today")).toHaveCount(1);
  await expect(chat.item("bob says deploy too")).toHaveCount(1);
  await expect(page.getByRole("button", { name: "AI", exact: true })).toHaveAttribute("aria-pressed", "false");

  // F5: the AI channel back on (mt=ALL) shows the entity's reply, which also contains "deploy".
  await page.getByRole("button", { name: "AI", exact: true }).click();
  await expect(chat.item("hello bob, deploy away")).toHaveCount(1);
  expect(new URL(page.url()).hash).not.toContain("mt=");

  // F4: switching the filters off keeps the chips in the URL and shows everything.
  await page.getByRole("switch", { name: "Filters on" }).click();
  await expect(chat.items()).toHaveCount(6);
  expect(new URL(page.url()).hash).toContain("filteractive=false");
  expect(new URL(page.url()).hash).toContain("-word=spam");

  // Each change is a history entry: Back restores the filtered view.
  await page.goBack();
  await expect(chat.items()).toHaveCount(3);
});

test("clicking a username or a word filters by it and writes the hash (F1, F2, F7)", async ({ page, request }) => {
  const room = await seedRoom(request);
  const chat = await openChat(page, { room, identity: VIEWER });
  await expect(chat.items()).toHaveCount(6);
  await chat
    .item("symbols in my name")
    .getByRole("button", { name: `${SYMBOLS.username}:` })
    .click();
  await expect(chat.items()).toHaveCount(1);
  const hash = new URL(page.url()).hash;
  expect(hash).toBe(`#u=${encodeURIComponent(SYMBOLS.username).replace(/%3A/g, ":")}:255000255&filteractive=true`);

  // A name with symbols still matches itself when the URL is opened elsewhere.
  const other = await page.context().newPage();
  const reopened = await openChat(other, { room, hash, identity: VIEWER });
  await expect(reopened.items()).toHaveCount(1);
  await expect(reopened.item("symbols in my name")).toHaveCount(1);
  await other.close();

  await page.getByRole("button", { name: `Remove filter ${SYMBOLS.username}` }).click();
  await expect(chat.items()).toHaveCount(6);
  await chat.clickWord(chat.item("deploy went fine today"), "fine");
  await expect(chat.items()).toHaveCount(1);
  expect(new URL(page.url()).hash).toBe("#word=fine&filteractive=true");
});

test("search matches text or username, with or without filters (F6)", async ({ page, request }) => {
  const room = await seedRoom(request);
  const chat = await openChat(page, { room, identity: VIEWER });
  await page.getByRole("searchbox", { name: "Search" }).fill("BOB");
  await expect(chat.items()).toHaveCount(3);
  await page.getByRole("searchbox", { name: "Search" }).fill("spam");
  await expect(chat.items()).toHaveCount(1);
});

test("malformed or unknown hash parameters are ignored, never a crash (F7)", async ({ page, request }) => {
  const room = await seedRoom(request);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const chat = await openChat(page, {
    room,
    hash: "#u=%E0%A4%A&mt=robots&filteractive=maybe&priority=abc&nom=-1&uis=has%20space:1&entity=<x>&what=ever&&=",
    identity: VIEWER,
  });
  await expect(chat.items()).toHaveCount(6);
  await expect(chat.usernameBox).toHaveValue("Viewer");
  expect(errors).toEqual([]);
});
