"use client";

import { type ReactNode, useState } from "react";
import { loadMenus, useDeferredOpen, useMenus } from "@/hooks/use-menus";
import { ChevronDown } from "./chevron-down";
import { DeferredTrigger, type MenuPoint } from "./deferred-menu";

export type ExportKind = "copy-all" | "copy-verbose" | "save-all" | "copy-link" | "json" | "markdown";

/** X2: the item names are part of the contract (tests and screen readers both use them). */
export const EXPORT_ITEMS: { kind: ExportKind; label: string; needsMessages: boolean }[] = [
  { kind: "copy-all", label: "Copy ALL", needsMessages: true },
  { kind: "copy-verbose", label: "Copy ALL - verbose", needsMessages: true },
  { kind: "save-all", label: "Save ALL", needsMessages: true },
  { kind: "copy-link", label: "Copy conversation link", needsMessages: false },
  { kind: "json", label: "Download JSON", needsMessages: true },
  { kind: "markdown", label: "Download Markdown", needsMessages: true },
];

interface Props {
  count: number;
  onExport: (kind: ExportKind) => void;
}

export const titleTriggerClass =
  "grid size-7 place-items-center rounded-md text-(--tint-text) hover:bg-(--tint-faint) focus-visible:outline-2 focus-visible:outline-(--tint-strong) data-[state=open]:bg-(--tint-soft)";

/** The button named "Conversation menu" next to the title (its menu loads on first use). */
export function TitleMenuButton({ count, onExport }: Props) {
  const menus = useMenus();
  const [opened, open] = useDeferredOpen();
  if (menus && opened) return <menus.TitleMenuButton count={count} onExport={onExport} opened={opened} />;
  return (
    <DeferredTrigger aria-label="Conversation menu" className={titleTriggerClass} onOpen={open}>
      <ChevronDown className="size-4" />
    </DeferredTrigger>
  );
}

/** Right-click on the title opens the same menu, at the pointer. */
export function TitleContextMenu({ count, onExport, children }: Props & { children: ReactNode }) {
  const menus = useMenus();
  const [point, setPoint] = useState<MenuPoint | null>(null);
  return (
    // `contents`: the wrapper takes no box, so the title lays out as before.
    // biome-ignore lint/a11y/noStaticElementInteractions: a pointer shortcut; the "Conversation menu" button beside the title opens the same menu by keyboard
    <div
      className="contents"
      onPointerDown={(event) => {
        if (event.button === 2) void loadMenus();
      }}
      onContextMenu={(event) => {
        event.preventDefault();
        const at: MenuPoint = { x: event.clientX, y: event.clientY, by: "pointer" };
        void loadMenus().then(() => setPoint(at));
      }}
    >
      {children}
      {menus && point ? (
        <menus.TitlePointMenu point={point} count={count} onExport={onExport} onClose={() => setPoint(null)} />
      ) : null}
    </div>
  );
}
