"use client";

import { useDeferredOpen, useMenus } from "@/hooks/use-menus";
import type { Notifications } from "@/hooks/use-notifications";
import type { Chip } from "@/lib/chat/chips";
import type { SoundName } from "@/lib/chat/sounds";
import { textColor } from "@/lib/shared/colors";
import { DeferredTrigger } from "./deferred-menu";

interface Props {
  chips: Chip[];
  filterActive: boolean;
  onToggleActive: () => void;
  onRemove: (chip: Chip) => void;
  search: string;
  onSearch: (value: string) => void;
  notifications: Notifications;
}

/** F1-F4, F6, N1: the chips, the on/off switch, the search box, and a sound per chip. */
export function FilterBar({ chips, filterActive, onToggleActive, onRemove, search, onSearch, notifications }: Props) {
  return (
    <div className="flex items-center gap-2 border-b border-white/[0.07] px-3 py-1.5 font-sans text-xs sm:px-4">
      <button
        type="button"
        role="switch"
        aria-checked={filterActive}
        aria-label="Filters on"
        onClick={onToggleActive}
        className="flex shrink-0 items-center gap-1.5 rounded-md py-1 pr-1.5 text-neutral-300 hover:text-white focus-visible:outline-2 focus-visible:outline-(--tint-strong)"
      >
        <span
          className={`relative h-4 w-7 rounded-full transition-colors ${filterActive ? "bg-(--tint-text)" : "bg-neutral-700"}`}
          aria-hidden="true"
        >
          <span
            className={`absolute top-0.5 size-3 rounded-full bg-black transition-all ${filterActive ? "left-3.5" : "left-0.5"}`}
          />
        </span>
        <span className="hidden sm:inline">Filter</span>
      </button>
      <ul
        aria-label="Filters"
        className={`scrollbar-none flex min-w-0 flex-1 items-center gap-1.5 overflow-x-auto [mask-image:linear-gradient(to_right,black_calc(100%-24px),transparent)] ${filterActive ? "" : "opacity-50"}`}
      >
        {chips.length === 0 ? (
          <li className="truncate text-muted">Click a name or a word to filter</li>
        ) : (
          chips.map((chip) => (
            <FilterChip key={chip.key} chip={chip} onRemove={onRemove} notifications={notifications} />
          ))
        )}
      </ul>
      <label className="relative shrink-0">
        <span className="sr-only">Search</span>
        <svg
          viewBox="0 0 16 16"
          className="pointer-events-none absolute top-1/2 left-2 size-3.5 -translate-y-1/2 text-muted"
          aria-hidden="true"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.6"
        >
          <circle cx="7" cy="7" r="4.5" />
          <path d="M10.5 10.5L14 14" strokeLinecap="round" />
        </svg>
        <input
          type="search"
          value={search}
          onChange={(e) => onSearch(e.target.value)}
          placeholder="Search"
          className="h-7 w-24 rounded-md border border-white/10 bg-black pr-2 pl-7 text-neutral-100 placeholder:text-neutral-400 focus:w-40 focus:outline-none focus-visible:border-(--tint-line) sm:w-44 sm:focus:w-56"
        />
      </label>
    </div>
  );
}

function chipLabel(chip: Chip): string {
  if (chip.kind === "user") return chip.username;
  if (chip.kind === "seqs") return chip.label;
  return chip.kind === "negative" ? `-${chip.word}` : chip.word;
}

function FilterChip({
  chip,
  onRemove,
  notifications,
}: {
  chip: Chip;
  onRemove: (chip: Chip) => void;
  notifications: Notifications;
}) {
  const label = chipLabel(chip);
  const unread = notifications.unread.has(chip.key);
  const sound = notifications.soundFor(chip);
  const tone =
    chip.kind === "negative"
      ? "border-red-900/80 bg-red-950/70 text-red-200"
      : chip.kind === "word" || chip.kind === "seqs"
        ? "border-white/15 bg-white/[0.06] text-neutral-100"
        : "border-white/10 bg-white/[0.04]";
  return (
    <li
      data-chip={chip.key}
      onPointerEnter={() => notifications.markRead(chip)}
      onFocus={() => notifications.markRead(chip)}
      className={`flex shrink-0 items-center gap-0.5 rounded-full border py-0.5 pr-0.5 pl-2.5 ${tone}`}
    >
      {unread ? <span className="mr-1 size-1.5 rounded-full bg-sky-400" role="img" aria-label="unread" /> : null}
      <span
        className="max-w-40 truncate font-mono text-[12px]"
        style={chip.kind === "user" ? { color: textColor(chip.color) } : undefined}
      >
        {label}
      </span>
      {chip.kind === "negative" || chip.kind === "seqs" ? null : (
        <SoundMenu label={label} sound={sound} onPick={(s) => notifications.setSound(chip, s)} />
      )}
      <button
        type="button"
        aria-label={`Remove filter ${label}`}
        onClick={() => onRemove(chip)}
        className="grid size-5 place-items-center rounded-full text-neutral-400 hover:bg-white/10 hover:text-white focus-visible:outline-2 focus-visible:outline-(--tint-strong)"
      >
        <svg viewBox="0 0 16 16" className="size-3" aria-hidden="true" stroke="currentColor" strokeWidth="2">
          <path d="M4 4l8 8M12 4l-8 8" strokeLinecap="round" />
        </svg>
      </button>
    </li>
  );
}

/** N1: a chip's sound; the menu itself (components/menus.tsx) loads on first use. */
function SoundMenu({ label, sound, onPick }: { label: string; sound: SoundName; onPick: (s: SoundName) => void }) {
  const menus = useMenus();
  const [opened, open] = useDeferredOpen();
  const triggerClass = `grid size-5 place-items-center rounded-full hover:bg-white/10 focus-visible:outline-2 focus-visible:outline-(--tint-strong) ${
    sound === "silent" ? "text-neutral-400" : "text-amber-200"
  }`;
  const face = (
    <svg viewBox="0 0 16 16" className="size-3" aria-hidden="true" fill="currentColor">
      {sound === "silent" ? (
        <path d="M8 2.5a3.5 3.5 0 0 0-3.5 3.5v2.5L3 10.5h10l-1.5-2V6A3.5 3.5 0 0 0 8 2.5zM6.5 12a1.5 1.5 0 0 0 3 0zM2 2l12 12-.8.8L1.2 2.8z" />
      ) : (
        <path d="M8 2.5a3.5 3.5 0 0 0-3.5 3.5v2.5L3 10.5h10l-1.5-2V6A3.5 3.5 0 0 0 8 2.5zM6.5 12a1.5 1.5 0 0 0 3 0z" />
      )}
    </svg>
  );
  if (menus && opened) {
    return (
      <menus.SoundMenu
        label={label}
        sound={sound}
        onPick={onPick}
        opened={opened}
        triggerClass={triggerClass}
        face={face}
      />
    );
  }
  return (
    <DeferredTrigger aria-label={`Sound for ${label}: ${sound}`} className={triggerClass} onOpen={open}>
      {face}
    </DeferredTrigger>
  );
}
