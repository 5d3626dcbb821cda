"use client";

import { type ConnectionState, CROWDED_MESSAGE } from "@/lib/chat/connection-state";
import type { Channel } from "@/lib/chat/hash-state";
import type { EntityPresence } from "@/lib/shared/presence";
import type { Line } from "@/types";
import { EntityPicker } from "./entity-picker";
import { type ExportKind, TitleContextMenu, TitleMenuButton } from "./title-menu";

interface Props {
  title: string;
  room: string;
  domain: string;
  exportCount: number;
  onExport: (kind: ExportKind) => void;
  channel: Channel;
  onChannel: (channel: Channel) => void;
  thisDomainOnly: boolean;
  onThisDomainOnly: (value: boolean) => void;
  entities: EntityPresence[];
  addressed: string | undefined;
  onAddress: (id: string | undefined) => void;
  offline: boolean;
  connection: ConnectionState;
  /** Open pages of the room, while live. */
  here?: number;
  /** Each entity's line, while live (the picker shows its length). */
  lines?: ReadonlyMap<string, Line>;
}

/** The title (with its export menu, X2), the channel toggles (F5), the domain toggle (F8), entities (E5). */
export function Header(p: Props) {
  const humans = p.channel !== "AI";
  const ai = p.channel !== "human";
  // Two independent toggles over one `mt` value; switching both off would show nothing, so the
  // last one switched off hands over to the other.
  const toggle = (which: "human" | "AI") => {
    const nextHumans = which === "human" ? !humans : humans;
    const nextAI = which === "AI" ? !ai : ai;
    if (nextHumans && nextAI) p.onChannel("ALL");
    else if (nextHumans) p.onChannel("human");
    else if (nextAI) p.onChannel("AI");
    else p.onChannel(which === "human" ? "AI" : "human");
  };
  return (
    <header className="flex flex-wrap items-center gap-x-3 gap-y-1.5 border-b border-(--tint-line) bg-neutral-950/70 px-3 py-2 font-sans backdrop-blur sm:px-4">
      <div className="flex min-w-0 items-center gap-1">
        <span
          className="mr-1 size-2.5 shrink-0 rounded-full bg-(--tint-text) shadow-[0_0_10px] shadow-(--tint-strong)"
          aria-hidden="true"
        />
        <TitleContextMenu count={p.exportCount} onExport={p.onExport}>
          <h1 className="truncate text-[15px] font-semibold tracking-tight text-white">{p.title}</h1>
        </TitleContextMenu>
        <TitleMenuButton count={p.exportCount} onExport={p.onExport} />
        <span className="ml-1 hidden truncate text-xs text-muted sm:inline">
          #{p.room} · {p.domain}
        </span>
        <ConnectionBadge connection={p.connection} offline={p.offline} />
        {p.here !== undefined ? (
          <span
            className="ml-1 text-[11px] text-muted tabular-nums"
            data-testid="here-count"
            title="Pages open in this room now"
          >
            {p.here} here
          </span>
        ) : null}
      </div>
      <div className="flex w-full items-center gap-1.5 text-xs sm:ml-auto sm:w-auto">
        <fieldset className="flex rounded-md border border-white/10 p-0.5">
          <legend className="sr-only">Channels</legend>
          <ToggleButton pressed={humans} onClick={() => toggle("human")} label="Humans" />
          <ToggleButton pressed={ai} onClick={() => toggle("AI")} label="AI" />
        </fieldset>
        <ToggleButton
          pressed={p.thisDomainOnly}
          onClick={() => p.onThisDomainOnly(!p.thisDomainOnly)}
          label="This domain"
          bordered
        />
        <EntityPicker entities={p.entities} addressed={p.addressed} onAddress={p.onAddress} lines={p.lines} />
      </div>
      {p.connection === "crowded" && !p.offline ? (
        <p role="alert" data-testid="crowded-notice" className="w-full text-xs text-amber-200">
          {CROWDED_MESSAGE} This tab checks for new messages every few seconds meanwhile.
        </p>
      ) : null}
    </header>
  );
}

function ToggleButton({
  pressed,
  onClick,
  label,
  bordered,
}: {
  pressed: boolean;
  onClick: () => void;
  label: string;
  bordered?: boolean;
}) {
  return (
    <button
      type="button"
      aria-pressed={pressed}
      onClick={onClick}
      className={`h-6 rounded px-2 focus-visible:outline-2 focus-visible:outline-(--tint-strong) ${
        bordered ? "h-7 border border-white/10 px-2.5" : ""
      } ${pressed ? "bg-(--tint-soft) text-white" : "text-neutral-400 hover:text-neutral-200"}`}
    >
      {label}
    </button>
  );
}

/** How new messages reach the page, said in words (and announced politely when it changes). */
function ConnectionBadge({ connection, offline }: { connection: ConnectionState; offline: boolean }) {
  if (offline) {
    return (
      <span className="ml-2 rounded-full bg-amber-400/15 px-2 py-0.5 text-[11px] text-amber-200" role="status">
        reconnecting…
      </span>
    );
  }
  const look: Record<ConnectionState, { text: string; className: string; title: string }> = {
    live: {
      text: "live",
      className: "bg-emerald-400/10 text-emerald-300",
      title: "New messages arrive as they are sent",
    },
    connecting: { text: "connecting…", className: "bg-white/5 text-muted", title: "Opening the live connection" },
    reconnecting: {
      text: "reconnecting…",
      className: "bg-amber-400/15 text-amber-200",
      title: "The live connection dropped; checking for messages meanwhile",
    },
    polling: {
      text: "polling",
      className: "bg-white/5 text-neutral-300",
      title: "Live updates are unavailable here; checking for new messages every few seconds",
    },
    crowded: {
      text: "too many tabs",
      className: "bg-amber-400/15 text-amber-200",
      title: `${CROWDED_MESSAGE} Meanwhile this tab checks for new messages every few seconds.`,
    },
  };
  const { text, className, title } = look[connection];
  return (
    <span
      className={`ml-2 rounded-full px-2 py-0.5 text-[11px] ${className}`}
      role="status"
      title={title}
      data-connection={connection}
    >
      {text}
    </span>
  );
}
