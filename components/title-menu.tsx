"use client";

import * as ContextMenu from "@radix-ui/react-context-menu";
import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import { Fragment, type ReactNode } from "react";
import { ChevronDown } from "./chevron-down";
import { menuContentClass, menuItemClass, menuLabelClass, menuSeparatorClass } from "./menu-styles";

export type ExportKind = "copy-all" | "copy-verbose" | "save-all" | "copy-link" | "json" | "markdown";

/** X2: the item names are part of the contract (tests and screen readers both use them). */
const ITEMS: { kind: ExportKind; label: string; needsMessages: boolean }[] = [
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

function Items({
  count,
  onExport,
  Item,
  Label,
  Separator,
}: Props & {
  Item: typeof ContextMenu.Item | typeof DropdownMenu.Item;
  Label: typeof ContextMenu.Label | typeof DropdownMenu.Label;
  Separator: typeof ContextMenu.Separator | typeof DropdownMenu.Separator;
}) {
  return (
    <>
      <Label className={menuLabelClass}>
        {count === 0 ? "Nothing to export in this view" : `Export ${count} message${count === 1 ? "" : "s"} shown`}
      </Label>
      {ITEMS.map((item, i) => (
        <Fragment key={item.kind}>
          {i === 3 ? <Separator className={menuSeparatorClass} /> : null}
          <Item
            className={menuItemClass}
            disabled={item.needsMessages && count === 0}
            onSelect={() => onExport(item.kind)}
          >
            {item.label}
          </Item>
        </Fragment>
      ))}
    </>
  );
}

/** The button named "Conversation menu" next to the title. */
export function TitleMenuButton({ count, onExport }: Props) {
  return (
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger
        aria-label="Conversation menu"
        className="grid size-7 place-items-center rounded-md text-(--tint-text) hover:bg-(--tint-faint) focus-visible:outline-2 focus-visible:outline-(--tint-strong) data-[state=open]:bg-(--tint-soft)"
      >
        <ChevronDown className="size-4" />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content align="start" sideOffset={6} className={menuContentClass} collisionPadding={8} loop>
          <Items
            count={count}
            onExport={onExport}
            Item={DropdownMenu.Item}
            Label={DropdownMenu.Label}
            Separator={DropdownMenu.Separator}
          />
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}

/** Right-click on the title opens the same menu. */
export function TitleContextMenu({ count, onExport, children }: Props & { children: ReactNode }) {
  return (
    <ContextMenu.Root modal={false}>
      <ContextMenu.Trigger asChild>{children}</ContextMenu.Trigger>
      <ContextMenu.Portal>
        <ContextMenu.Content className={menuContentClass} collisionPadding={8} loop>
          <Items
            count={count}
            onExport={onExport}
            Item={ContextMenu.Item}
            Label={ContextMenu.Label}
            Separator={ContextMenu.Separator}
          />
        </ContextMenu.Content>
      </ContextMenu.Portal>
    </ContextMenu.Root>
  );
}
