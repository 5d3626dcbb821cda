"use client";

import { useDeferredOpen, useMenus } from "@/hooks/use-menus";
import type { EntityPresence } from "@/lib/shared/presence";
import type { Line } from "@/types";
import { ChevronDown } from "./chevron-down";
import { DeferredTrigger } from "./deferred-menu";

export interface EntityPickerProps {
  entities: EntityPresence[];
  addressed: string | undefined;
  onAddress: (id: string | undefined) => void;
  /** Each entity's line, while live: how many wait for it. */
  lines?: ReadonlyMap<string, Line>;
}

export const entityTriggerClass =
  "flex h-7 items-center gap-1.5 rounded-md border border-white/10 px-2 text-neutral-200 hover:border-(--tint-line) hover:bg-(--tint-faint) focus-visible:outline-2 focus-visible:outline-(--tint-strong) data-[state=open]:bg-(--tint-faint)";

export function entityTriggerLabel(current: EntityPresence | undefined): string {
  return current ? `Entity: ${current.id}, ${current.served ? "online" : "offline"}` : "AI entities";
}

export function EntityTriggerFace({ current }: { current: EntityPresence | undefined }) {
  return (
    <>
      <span
        className={`size-1.5 rounded-full ${current ? (current.served ? "bg-emerald-400" : "bg-neutral-500") : "bg-sky-300"}`}
        aria-hidden="true"
      />
      <span className="max-w-28 truncate">{current ? current.id : "AI"}</span>
      <ChevronDown className="size-3 text-muted" strokeWidth={1.8} />
    </>
  );
}

/**
 * E5/C9: the entities bots serve here, with whether each is served right now; choosing one
 * addresses my messages to it (the `entity` hash parameter), so nobody hand-writes a URL.
 * The menu itself (components/menus.tsx) loads on first use.
 */
export function EntityPicker(props: EntityPickerProps) {
  const menus = useMenus();
  const [opened, open] = useDeferredOpen();
  if (menus && opened) return <menus.EntityPicker {...props} opened={opened} />;
  const current = props.entities.find((e) => e.id === props.addressed);
  return (
    <DeferredTrigger aria-label={entityTriggerLabel(current)} className={entityTriggerClass} onOpen={open}>
      <EntityTriggerFace current={current} />
    </DeferredTrigger>
  );
}

/** "3 waiting · " before online/offline, when anything waits for or is being answered by the entity. */
export function QueueLength({ line }: { line: Line | undefined }) {
  if (!line || line.pending + line.processing === 0) return null;
  const text = line.pending > 0 ? `${line.pending} waiting` : `${line.processing} answering`;
  return (
    <span data-testid="entity-queue" className="mr-1.5 tabular-nums">
      {text} ·
    </span>
  );
}
