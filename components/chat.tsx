"use client";

import { type CSSProperties, startTransition, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useDebounced } from "@/hooks/use-debounced";
import { useDrafts, useShownDrafts } from "@/hooks/use-drafts";
import { useEntities } from "@/hooks/use-entities";
import { useHashState } from "@/hooks/use-hash-state";
import { ensureStoredColor, useIdentity } from "@/hooks/use-identity";
import { useKeyShortcut } from "@/hooks/use-key-shortcut";
import { useLocalStorage } from "@/hooks/use-local-storage";
import { type ChatMessage, useMessages } from "@/hooks/use-messages";
import { useNotifications } from "@/hooks/use-notifications";
import { usePresence, useTypingFrames } from "@/hooks/use-presence";
import { useToast } from "@/hooks/use-toast";
import { ChatApi } from "@/lib/chat/api";
import { type Chip, chipsOf } from "@/lib/chat/chips";
import { titleForDomain } from "@/lib/chat/domains";
import { serverQuery, visibleMessages } from "@/lib/chat/filters";
import { sameUser } from "@/lib/chat/hash-state";
import { readInitialWindow } from "@/lib/chat/initial-window";
import { buildOutgoing, checkDraft, newMessageId } from "@/lib/chat/outgoing";
import { tintVariables } from "@/lib/shared/tint";
import type { ClientFrame, ServerEvent } from "@/types";
import { DEFAULT_ROOM } from "@/types/constants";
import { useExportActions } from "../hooks/use-export-actions";
import { LineContext, type LineView } from "../hooks/use-line-view.ts";
import { addRequiredWord, useMessageActions } from "../hooks/use-message-actions";
import { Composer } from "./composer";
import { FilterBar } from "./filter-bar";
import { afterFirstPaintLayout, retireFirstPaint } from "./first-paint";
import { Header } from "./header";
import { MessageList } from "./message-list";
import { Toast } from "./toast";
import { TypingIndicator } from "./typing-indicator";

/**
 * The page is one client-side view of the URL (hash state, localStorage): render it in the browser
 * only, after hydration, as a transition, so React renders it in slices that leave the main
 * thread free between them (a phone would otherwise block on the whole first render at once).
 * Meanwhile the Worker's static rows (workers/page/rewrite.ts) are on screen; the view starts
 * once they have been laid out and measured (components/first-paint.ts).
 */
export function Chat() {
  const [mounted, setMounted] = useState(false);
  useEffect(() => {
    let timer: number | undefined;
    const cancel = afterFirstPaintLayout(() => {
      // In a task of its own, what the first render would otherwise do inside its own: check the
      // embedded window (kept for the feed) and give a first visit its color.
      timer = window.setTimeout(() => {
        readInitialWindow(pageRoom());
        ensureStoredColor();
        startTransition(() => setMounted(true));
      });
    });
    return () => {
      cancel();
      window.clearTimeout(timer);
    };
  }, []);
  return mounted ? <ChatView /> : <ChatSkeleton />;
}

/** The room the URL names (`?room=`), or the default one. */
function pageRoom(): string {
  return new URLSearchParams(window.location.search).get("room") ?? DEFAULT_ROOM;
}

function ChatSkeleton() {
  return (
    <main className="flex h-dvh flex-col bg-black font-sans" aria-busy="true">
      <div className="h-11 border-b border-white/10" />
      <div className="flex-1" />
      <div className="h-24 border-t border-white/10" />
    </main>
  );
}

function ChatView() {
  const room = useMemo(pageRoom, []);
  const api = useMemo(() => new ChatApi({ room: room === DEFAULT_ROOM ? undefined : room }), [room]);
  const host = window.location.hostname;
  const title = titleForDomain(host);

  const [hash, updateHash] = useHashState();
  const id = useIdentity(hash.me);
  const me = id.identity;

  const [domainSetting, storeDomainSetting] = useLocalStorage("sww:this-domain-only");
  const thisDomainOnly = domainSetting === "1";
  const [search, setSearch] = useState("");
  const debouncedSearch = useDebounced(search, 200);

  const chips = useMemo(() => chipsOf(hash), [hash]);
  const notifications = useNotifications(chips, me, title);

  const query = useMemo(() => serverQuery(hash, me), [hash, me]);
  const draftState = useDrafts();
  // Who is here (count, typists, lines) and my own typing frames, over the feed's socket.
  const liveFrames = useRef<((frame: ClientFrame) => void) | null>(null);
  const typingFrames = useTypingFrames(liveFrames, me);
  const [presenceLive, setPresenceLive] = useState(false);
  const presence = usePresence(presenceLive);
  const onLiveEvent = useCallback(
    (event: ServerEvent) => {
      draftState.onLiveEvent(event);
      presence.onLiveEvent(event);
      typingFrames.onLiveEvent(event);
    },
    [draftState.onLiveEvent, presence.onLiveEvent, typingFrames.onLiveEvent],
  );
  const feed = useMessages({
    api,
    room,
    query,
    me,
    onArrived: notifications.onArrived,
    onLiveEvent,
    liveFrames,
  });
  useEffect(() => setPresenceLive(feed.connection === "live"), [feed.connection]);
  // Replies being generated (never messages: exports below never see them). A human-only view shows none.
  const drafts = useShownDrafts(draftState, feed.messages, feed.connection === "live" && query.channel !== "human");
  const entities = useEntities(api, room, hash.entity, feed.connection === "live");
  const addressed = entities.find((e) => e.id === hash.entity);
  const lineView = useMemo<LineView>(
    () => ({
      live: feed.connection === "live",
      lines: presence.lines,
      drafts: new Map(drafts.map((d) => [d.messageId, { text: d.text, phase: d.phase }])),
    }),
    [feed.connection, presence.lines, drafts],
  );

  const visible = useMemo(
    () =>
      visibleMessages(feed.messages, hash, {
        me,
        search: debouncedSearch,
        domain: thisDomainOnly ? host : null,
      }),
    [feed.messages, hash, me, debouncedSearch, thisDomainOnly, host],
  );

  // What is displayed and stored: what exports export and what `nom` sends as context.
  const exportable = useMemo(() => visible.filter((m: ChatMessage) => !m.send), [visible]);
  const [toast, showToast] = useToast();
  const [sentCount, setSentCount] = useState(0);

  const sendText = useCallback(
    (text: string) => {
      if (!me || checkDraft(text, me.username)) return false;
      feed.send(buildOutgoing({ id: newMessageId(), text, me, domain: host, addressing: hash, displayed: exportable }));
      setSentCount((n) => n + 1);
      return true;
    },
    [me, exportable, feed, host, hash],
  );

  // Rows are memoised: hand them a callback that never changes and reads the latest state.
  const latest = useRef({ feed, sendText });
  latest.current = { feed, sendText };
  const onRetry = useCallback((m: ChatMessage) => {
    // A send that never reached the server goes again with the same id (never a duplicate);
    // a message the entity failed on is asked again as a new message.
    if (m.send) latest.current.feed.retry(m.id);
    else latest.current.sendText(m.text);
  }, []);

  const addWord = useCallback((word: string) => addRequiredWord(updateHash, word), [updateHash]);
  const actions = useMessageActions(updateHash, showToast);
  const onExport = useExportActions(exportable, title, showToast);

  const removeChip = useCallback(
    (chip: Chip) =>
      updateHash((s) => {
        if (chip.kind === "user") return { ...s, users: s.users.filter((u) => !sameUser(u, chip)) };
        if (chip.kind === "word") return { ...s, words: s.words.filter((w) => w !== chip.word) };
        if (chip.kind === "seqs") return { ...s, seqs: undefined };
        return { ...s, negativeWords: s.negativeWords.filter((w) => w !== chip.word) };
      }),
    [updateHash],
  );

  // C5: `r` outside text boxes picks a random color.
  useKeyShortcut("r", id.randomColor);
  const tint = useMemo(() => tintVariables(id.color) as CSSProperties, [id.color]);

  const filtering = hash.filterActive && chips.length > 0;
  // The Worker painted the newest rows as static markup with the HTML; once the list has the
  // messages and has taken over its scroller (at the bottom), ours are on screen in their place.
  const [listShown, setListShown] = useState(false);
  const onListShown = useCallback(() => setListShown(true), []);
  useEffect(() => {
    if (feed.loaded && listShown) retireFirstPaint();
  }, [feed.loaded, listShown]);

  const emptyText = !feed.loaded
    ? ""
    : feed.messages.length === 0
      ? hash.entity
        ? `No messages yet. Say something to ${hash.entity}.`
        : "No messages yet. Say something, or pick an AI from the AI menu to talk to one."
      : filtering || debouncedSearch
        ? "Nothing matches these filters."
        : "No messages in this view.";

  return (
    <main style={tint} className="relative flex h-dvh flex-col overflow-hidden bg-black text-neutral-100">
      <Header
        title={title}
        room={room}
        domain={host}
        exportCount={exportable.length}
        onExport={onExport}
        channel={hash.channel}
        onChannel={(channel) => updateHash((s) => ({ ...s, channel }))}
        thisDomainOnly={thisDomainOnly}
        onThisDomainOnly={(value) => storeDomainSetting(value ? "1" : null)}
        entities={entities}
        addressed={hash.entity}
        onAddress={(entity) => updateHash((s) => ({ ...s, entity }))}
        offline={feed.offline}
        connection={feed.connection}
        here={presence.here}
        lines={presence.lines}
      />
      <FilterBar
        chips={chips}
        filterActive={hash.filterActive}
        onToggleActive={() => updateHash((s) => ({ ...s, filterActive: !s.filterActive }))}
        onRemove={removeChip}
        search={search}
        onSearch={setSearch}
        notifications={notifications}
      />
      <LineContext.Provider value={lineView}>
        <MessageList
          messages={visible}
          loaded={feed.loaded}
          hasOlder={feed.hasOlder}
          loadingOlder={feed.loadingOlder}
          loadOlder={feed.loadOlder}
          actions={actions}
          onWord={addWord}
          onRetry={onRetry}
          emptyText={emptyText}
          sentCount={sentCount}
          drafts={drafts}
          onShown={onListShown}
        />
      </LineContext.Provider>
      <div className="relative">
        <TypingIndicator activity={presence.activity} me={me} />
      </div>
      <Composer
        username={id.username}
        color={id.color}
        onUsername={id.setUsername}
        onColor={id.setColor}
        onRandomColor={id.randomColor}
        onSend={sendText}
        addressed={addressed}
        entities={entities}
        onText={typingFrames.onText}
      />
      <Toast text={toast} />
    </main>
  );
}
