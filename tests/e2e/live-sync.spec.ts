import { expect, test } from "@playwright/test";
import { uniqueRoom } from "./support/api";
import { openChat } from "./support/chat-page";

const ANN = { username: "Ann", color: "255180120" };
const BEN = { username: "Ben", color: "120180255" };

test("must-show 1: a message typed in one browser shows in another within 2 s, and no message ever shows twice", async ({
  browser,
}) => {
  const room = uniqueRoom("sync");
  const contextA = await browser.newContext();
  const contextB = await browser.newContext();
  const a = await openChat(await contextA.newPage(), { room, identity: ANN });
  const b = await openChat(await contextB.newPage(), { room, identity: BEN });

  // Each direction: typed and sent in one, visible in the other within the active poll interval.
  for (const [from, to, name] of [
    [a, b, "Ann"],
    [b, a, "Ben"],
  ] as const) {
    const text = `hello from ${name} ${Date.now()}`;
    await from.send(text);
    const sentAt = Date.now();
    await expect(to.item(text)).toHaveCount(1, { timeout: 2_000 });
    console.log(`must-show 1: "${text}" appeared in the other browser after ${Date.now() - sentAt} ms`);
  }

  // A burst from both sides, interleaved, while both keep polling.
  const burst: string[] = [];
  for (let i = 0; i < 6; i++) {
    const [sender, name] = i % 2 === 0 ? [a, "Ann"] : [b, "Ben"];
    const text = `burst ${i} from ${name}`;
    burst.push(text);
    await sender.send(text);
  }
  for (const page of [a, b]) {
    for (const text of burst) await expect(page.item(text)).toHaveCount(1, { timeout: 3_000 });
  }
  // Several more polls: still exactly once each, same order in both browsers.
  await a.page.waitForTimeout(3_000);
  for (const page of [a, b]) {
    const ids = await page.renderedIds();
    expect(new Set(ids).size, "every rendered message id is unique").toBe(ids.length);
    expect(ids).toHaveLength(8);
    for (const text of burst) await expect(page.item(text)).toHaveCount(1);
  }
  expect(await a.renderedIds()).toEqual(await b.renderedIds());
  console.log(`must-show 1: 8 messages, each shown exactly once in both browsers, in the same order`);
  await contextA.close();
  await contextB.close();
});
