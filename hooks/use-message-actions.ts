"use client";

import { useMemo } from "react";
import { type HashState, sameUser } from "@/lib/chat/hash-state";
import { readRanges } from "@/lib/chat/seq-filter";
import type { Message } from "@/types";
import { copyText, downloadText } from "../components/browser-io";
import type { MessageActions } from "../components/message-menu";

// The export formats load with the menus that use them (components/menus.tsx), not with the page.
const exportsModule = () => import("@/lib/chat/exports");

type UpdateHash = (change: (state: HashState) => HashState) => void;

const hasWord = (words: string[], word: string) => words.some((w) => w.toLowerCase() === word.toLowerCase());

/** X1 and F1-F3: what the message menu and clicks on a message do. Stable across renders. */
export function useMessageActions(updateHash: UpdateHash, notify: (text: string) => void): MessageActions {
  return useMemo(
    () => ({
      copy: (m: Message) =>
        void exportsModule()
          .then((x) => copyText(x.messageCopyText(m)))
          .then(
            () => notify("Message copied"),
            () => notify("The browser refused to copy"),
          ),
      save: (m: Message) =>
        void exportsModule().then((x) => downloadText(x.messageFilename(m), `${x.messageCopyText(m)}\n`)),
      block: (m: Message, word: string | null) => {
        const blocked = word ?? m.username;
        updateHash((s) =>
          hasWord(s.negativeWords, blocked)
            ? s
            : { ...s, negativeWords: [...s.negativeWords, blocked], filterActive: true },
        );
        notify(`Hiding “${blocked}”`);
      },
      filterUser: (m: Message) => {
        const user = { username: m.username, color: m.color };
        updateHash((s) =>
          s.users.some((u) => sameUser(u, user)) ? s : { ...s, users: [...s.users, user], filterActive: true },
        );
      },
      showRead: (m: Message) => {
        const ranges = m.read ? readRanges(m.read) : null;
        if (!ranges?.length) {
          notify(`${m.username} did not say which messages it read`);
          return;
        }
        // Exactly what it read: other chips would hide some of it, so they go (Back brings them back).
        updateHash((s) => ({
          ...s,
          users: [],
          words: [],
          negativeWords: [],
          channel: "ALL",
          seqs: ranges,
          filterActive: true,
        }));
      },
    }),
    [updateHash, notify],
  );
}

/** F2: a clicked word becomes a required word. */
export function addRequiredWord(updateHash: UpdateHash, word: string): void {
  updateHash((s) => (hasWord(s.words, word) ? s : { ...s, words: [...s.words, word], filterActive: true }));
}
