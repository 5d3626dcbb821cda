import type { APIRequestContext } from "@playwright/test";
import { postHuman, postReply } from "./api";

export const PEOPLE = {
  alice: { username: "Alice", color: "255170120" },
  kai: { username: "kai_", color: "120200255" },
  bob: { username: "bob", color: "170230120" },
  mira: { username: "mira", color: "240200100" },
  me: { username: "Me", color: "230150230" },
  sage: { username: "Sage", color: "120200150" },
};

/** A realistic few minutes of a room: several people, an entity answering, one message waiting. */
export async function seedConversation(request: APIRequestContext, room: string) {
  const { alice, kai, bob, mira, me, sage } = PEOPLE;
  const say = (who: { username: string; color: string }, text: string) => postHuman(request, room, { ...who, text });
  await say(alice, "morning all ☕ anyone else up this early?");
  await say(kai, "always. the night shift never ends");
  await say(mira, "just landed in lisbon, the light here is unreal");
  await say(bob, "just shipped the new build → https://saywhatwant.app feels so much calmer on a phone");
  await say(alice, "the colors are lovely. mine finally reads on black");
  await say(bob, "buy cheap followers now spam spam");
  await say(kai, "bob that's the third time today, blocking you lol");
  const asked = await postHuman(request, room, {
    ...me,
    text: "sage, what's a good name for a chat that never forgets?",
    botParams: { entity: "sage", priority: 10 },
  });
  await postReply(request, room, asked.id, {
    ...sage,
    text: "Something like “Long Memory”: plain, a little wistful, and honest about what it does.",
  });
  await say(kai, "long memory is good. reminds me of irc logs from 2004");
  await say(mira, "ha, i still have mine on a usb stick somewhere");
  await say(bob, "lol the netsplit days. 40 people vanishing mid-sentence");
  await say(alice, "we kept the good parts: fast, dense, no noise\nand now the bots actually answer 😄");
  await say(mira, "ok who wants coffee recs for lisbon");
  await postHuman(request, room, { ...me, text: "sage, tell me one thing about crows", botParams: { entity: "sage" } });
}
