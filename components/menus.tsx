"use client";

import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import { Fragment, type ReactNode, useEffect, useRef, useState } from "react";
import type { OpenedBy } from "@/hooks/use-menus";
import { readLabel } from "@/lib/chat/seq-filter";
import { SOUNDS, type SoundName } from "@/lib/chat/sounds";
import { colorGrid, cssRgb, rgbOf, textColor } from "@/lib/shared/colors";
import type { Message } from "@/types";
import { ChevronDown } from "./chevron-down";
import type { MenuPoint } from "./deferred-menu";
import {
  type EntityPickerProps,
  EntityTriggerFace,
  entityTriggerClass,
  entityTriggerLabel,
  QueueLength,
} from "./entity-picker";
import { menuContentClass, menuItemClass, menuLabelClass, menuSeparatorClass } from "./menu-styles";
import type { MessageActions } from "./message-menu";
import { EXPORT_ITEMS, type ExportKind, titleTriggerClass } from "./title-menu";

/**
 * Every menu of the chat page, loaded on first use (components/deferred-menu.tsx): Radix
 * dropdown menus, each mounted open by the press that loaded it. Menus opened at a point (a
 * right-click, a long-press) are dropdowns anchored to an empty box at that point, so the list
 * they belong to never remounts.
 */

// The exports run from a menu item: fetch them while the person reads the menu.
void import("@/lib/chat/exports");

/**
 * Radix gives a menu opened from the keyboard focus on its first item; a menu mounted open by a
 * key press the deferred trigger took needs that done here, once Radix has focused the content
 * (a frame later: its focus scope mounts in a second render). The ref goes on the content.
 */
function useFirstOpenFocus(by: OpenedBy | null) {
  const content = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (by !== "keyboard") return;
    const frame = requestAnimationFrame(() =>
      content.current
        ?.querySelector<HTMLElement>('[role^="menuitem"]:not([data-disabled])')
        ?.focus({ preventScroll: true }),
    );
    return () => cancelAnimationFrame(frame);
  }, [by]);
  return content;
}

// ── the conversation (title) menu, X2 ──────────────────────────────────────────────────────

function ExportItems({ count, onExport }: { count: number; onExport: (kind: ExportKind) => void }) {
  return (
    <>
      <DropdownMenu.Label className={menuLabelClass}>
        {count === 0 ? "Nothing to export in this view" : `Export ${count} message${count === 1 ? "" : "s"} shown`}
      </DropdownMenu.Label>
      {EXPORT_ITEMS.map((item, i) => (
        <Fragment key={item.kind}>
          {i === 3 ? <DropdownMenu.Separator className={menuSeparatorClass} /> : null}
          <DropdownMenu.Item
            className={menuItemClass}
            disabled={item.needsMessages && count === 0}
            onSelect={() => onExport(item.kind)}
          >
            {item.label}
          </DropdownMenu.Item>
        </Fragment>
      ))}
    </>
  );
}

export function TitleMenuButton({
  count,
  onExport,
  opened,
}: {
  count: number;
  onExport: (kind: ExportKind) => void;
  opened: OpenedBy;
}) {
  const contentRef = useFirstOpenFocus(opened);
  return (
    <DropdownMenu.Root modal={false} defaultOpen>
      <DropdownMenu.Trigger aria-label="Conversation menu" className={titleTriggerClass}>
        <ChevronDown className="size-4" />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          align="start"
          sideOffset={6}
          className={menuContentClass}
          collisionPadding={8}
          loop
          ref={contentRef}
        >
          <ExportItems count={count} onExport={onExport} />
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}

/**
 * A menu opened at a point: open while mounted, closed through `onClose`. The anchor is an empty
 * fixed box at the point (hidden from assistive technology; the menu is labelled by `label`).
 */
function PointMenu({
  point,
  label,
  onClose,
  onCloseAutoFocus,
  children,
}: {
  point: MenuPoint;
  label: string;
  onClose: () => void;
  onCloseAutoFocus?: (event: Event) => void;
  children: ReactNode;
}) {
  const contentRef = useFirstOpenFocus(point.by);
  return (
    <DropdownMenu.Root modal={false} open onOpenChange={(open) => !open && onClose()}>
      <DropdownMenu.Trigger asChild>
        <span
          aria-hidden="true"
          tabIndex={-1}
          style={{ position: "fixed", left: point.x, top: point.y, width: 0, height: 0, pointerEvents: "none" }}
        />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          align="start"
          side="bottom"
          className={menuContentClass}
          collisionPadding={8}
          loop
          aria-labelledby={undefined}
          aria-label={label}
          ref={contentRef}
          onCloseAutoFocus={(event) => {
            // Nothing to give focus back to at a point; the caller may know better.
            event.preventDefault();
            onCloseAutoFocus?.(event);
          }}
        >
          {children}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}

/** Right-click on the title: the same items as the conversation menu. */
export function TitlePointMenu({
  point,
  count,
  onExport,
  onClose,
}: {
  point: MenuPoint;
  count: number;
  onExport: (kind: ExportKind) => void;
  onClose: () => void;
}) {
  return (
    <PointMenu point={point} label="Conversation menu" onClose={onClose}>
      <ExportItems count={count} onExport={onExport} />
    </PointMenu>
  );
}

// ── the message menu, X1 ──────────────────────────────────────────────────────────────────

export function MessagePointMenu({
  point,
  message,
  word,
  actions,
  onClose,
  onCloseAutoFocus,
}: {
  point: MenuPoint;
  message: Message;
  word: string | null;
  actions: MessageActions;
  onClose: () => void;
  onCloseAutoFocus: (event: Event) => void;
}) {
  return (
    <PointMenu
      point={point}
      label={`Message by ${message.username}`}
      onClose={onClose}
      onCloseAutoFocus={onCloseAutoFocus}
    >
      <DropdownMenu.Item className={menuItemClass} onSelect={() => actions.copy(message)}>
        Copy
      </DropdownMenu.Item>
      <DropdownMenu.Item className={menuItemClass} onSelect={() => actions.save(message)}>
        Save
      </DropdownMenu.Item>
      <DropdownMenu.Item className={menuItemClass} onSelect={() => actions.filterUser(message)}>
        Filter by {message.username}
      </DropdownMenu.Item>
      {message.read ? (
        <DropdownMenu.Item
          className={menuItemClass}
          disabled={message.read.count === 0}
          onSelect={() => actions.showRead(message)}
        >
          {readLabel(message.username, message.read)}
        </DropdownMenu.Item>
      ) : null}
      <DropdownMenu.Separator className={menuSeparatorClass} />
      <DropdownMenu.Item className={`${menuItemClass} text-red-200`} onSelect={() => actions.block(message, word)}>
        {word ? `Block “${word}”` : `Block ${message.username}`}
      </DropdownMenu.Item>
    </PointMenu>
  );
}

// ── the entity picker, E5/C9 ─────────────────────────────────────────────────────────────

export function EntityPicker({
  entities,
  addressed,
  onAddress,
  lines,
  opened,
}: EntityPickerProps & { opened: OpenedBy }) {
  const current = entities.find((e) => e.id === addressed);
  const contentRef = useFirstOpenFocus(opened);
  return (
    <DropdownMenu.Root modal={false} defaultOpen>
      <DropdownMenu.Trigger aria-label={entityTriggerLabel(current)} className={entityTriggerClass}>
        <EntityTriggerFace current={current} />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content align="end" sideOffset={6} className={`${menuContentClass} w-64`} loop ref={contentRef}>
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

// ── a filter chip's sound, N1 ─────────────────────────────────────────────────────────────

export function SoundMenu({
  label,
  sound,
  onPick,
  opened,
  triggerClass,
  face,
}: {
  label: string;
  sound: SoundName;
  onPick: (s: SoundName) => void;
  opened: OpenedBy;
  triggerClass: string;
  face: ReactNode;
}) {
  const contentRef = useFirstOpenFocus(opened);
  return (
    <DropdownMenu.Root modal={false} defaultOpen>
      <DropdownMenu.Trigger aria-label={`Sound for ${label}: ${sound}`} className={triggerClass}>
        {face}
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content align="start" sideOffset={6} className={menuContentClass} loop ref={contentRef}>
          <DropdownMenu.Label className={menuLabelClass}>Sound for {label}</DropdownMenu.Label>
          <DropdownMenu.RadioGroup value={sound} onValueChange={(v) => onPick(v as SoundName)}>
            {SOUNDS.map((s) => (
              <DropdownMenu.RadioItem key={s} value={s} className={menuItemClass}>
                <span className="w-3 text-(--tint-text)">
                  <DropdownMenu.ItemIndicator>●</DropdownMenu.ItemIndicator>
                </span>
                {s[0]?.toUpperCase()}
                {s.slice(1)}
              </DropdownMenu.RadioItem>
            ))}
          </DropdownMenu.RadioGroup>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}

// ── the composer's color picker, C5 ──────────────────────────────────────────────────────

const GRID_SIZE = 24;

export function ColorPicker({
  onPick,
  onRandom,
  opened,
  triggerClass,
  face,
}: {
  onPick: (color: string) => void;
  onRandom: () => void;
  opened: OpenedBy;
  triggerClass: string;
  face: ReactNode;
}) {
  // Fresh colors each time it opens, the first time included (mounted open: no open change).
  const [grid, setGrid] = useState<string[]>(() => colorGrid(GRID_SIZE));
  const contentRef = useFirstOpenFocus(opened);
  return (
    <DropdownMenu.Root modal={false} defaultOpen onOpenChange={(open) => open && setGrid(colorGrid(GRID_SIZE))}>
      <DropdownMenu.Trigger aria-label="Choose color" title="Choose color (r: random)" className={triggerClass}>
        {face}
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          side="top"
          align="start"
          sideOffset={8}
          className={`${menuContentClass} w-60`}
          loop
          ref={contentRef}
        >
          <DropdownMenu.Label className={menuLabelClass}>Your color</DropdownMenu.Label>
          <div className="grid grid-cols-6 gap-1.5 p-1.5">
            {grid.map((c) => (
              <DropdownMenu.Item
                key={c}
                aria-label={`Color ${c}`}
                onSelect={() => onPick(c)}
                className="aspect-square cursor-pointer rounded-md outline-none ring-white/80 data-[highlighted]:ring-2"
                style={{ background: cssRgb(rgbOf(c)) }}
              />
            ))}
          </div>
          <DropdownMenu.Item className={menuItemClass} onSelect={onRandom}>
            Random color <kbd className="ml-auto rounded border border-white/20 px-1 text-[10px] text-muted">r</kbd>
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
