"use client";

import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import { textColor } from "@/lib/colors";
import type { EntityPresence } from "@/lib/presence";
import type { Line } from "@/types";
import { ChevronDown } from "./chevron-down";
import { menuContentClass, menuItemClass, menuLabelClass, menuSeparatorClass } from "./menu-styles";

/**
 * E5/C9: the entities bots serve here, with whether each is served right now; choosing one
 * addresses my messages to it (the `entity` hash parameter), so nobody hand-writes a URL.
 */
export function EntityPicker({
  entities,
  addressed,
  onAddress,
  lines,
}: {
  entities: EntityPresence[];
  addressed: string | undefined;
  onAddress: (id: string | undefined) => void;
  /** Each entity's line, while live: how many wait for it. */
  lines?: ReadonlyMap<string, Line>;
}) {
  const current = entities.find((e) => e.id === addressed);
  return (
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger
        aria-label={current ? `Entity: ${current.id}, ${current.served ? "online" : "offline"}` : "AI entities"}
        className="flex h-7 items-center gap-1.5 rounded-md border border-white/10 px-2 text-neutral-200 hover:border-(--tint-line) hover:bg-(--tint-faint) focus-visible:outline-2 focus-visible:outline-(--tint-strong) data-[state=open]:bg-(--tint-faint)"
      >
        <span
          className={`size-1.5 rounded-full ${current ? (current.served ? "bg-emerald-400" : "bg-neutral-500") : "bg-sky-300"}`}
          aria-hidden="true"
        />
        <span className="max-w-28 truncate">{current ? current.id : "AI"}</span>
        <ChevronDown className="size-3 text-muted" strokeWidth={1.8} />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content align="end" sideOffset={6} className={`${menuContentClass} w-64`} loop>
          <DropdownMenu.Label className={menuLabelClass}>Talk to an entity</DropdownMenu.Label>
          {entities.length === 0 ? (
            <p className="px-2.5 py-1.5 text-muted">No bot has polled this room yet.</p>
          ) : (
            <DropdownMenu.RadioGroup value={addressed ?? ""} onValueChange={(id) => onAddress(id || undefined)}>
              {entities.map((e) => (
                <DropdownMenu.RadioItem key={e.id} value={e.id} className={menuItemClass}>
                  <span
                    className={`size-2 rounded-full ${e.served ? "bg-emerald-400" : "bg-neutral-600"}`}
                    aria-hidden="true"
                  />
                  {e.username && e.color ? (
                    <span>
                      <span style={{ color: textColor(e.color) }}>{e.username}</span>
                      <span className="ml-1.5 font-mono text-xs text-muted">{e.id}</span>
                    </span>
                  ) : (
                    <span className="font-mono">{e.id}</span>
                  )}
                  <span className="ml-auto text-xs text-muted">
                    <QueueLength line={lines?.get(e.id)} />
                    {e.served ? "online" : "offline"}
                  </span>
                </DropdownMenu.RadioItem>
              ))}
            </DropdownMenu.RadioGroup>
          )}
          {addressed ? (
            <>
              <DropdownMenu.Separator className={menuSeparatorClass} />
              <DropdownMenu.Item className={menuItemClass} onSelect={() => onAddress(undefined)}>
                Stop addressing {addressed}
              </DropdownMenu.Item>
            </>
          ) : null}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}

/** "3 waiting · " before online/offline, when anything waits for or is being answered by the entity. */
function QueueLength({ line }: { line: Line | undefined }) {
  if (!line || line.pending + line.processing === 0) return null;
  const text = line.pending > 0 ? `${line.pending} waiting` : `${line.processing} answering`;
  return (
    <span data-testid="entity-queue" className="mr-1.5 tabular-nums">
      {text} ·
    </span>
  );
}
