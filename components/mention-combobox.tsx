"use client";

import type { MentionAutocomplete } from "@/hooks/use-mention-autocomplete";
import { textColor } from "@/lib/shared/colors";

/**
 * E7: the entities `@` can mention, as the message box's listbox popup. It opens above the
 * composer (on a phone the keyboard takes the space below) within the viewport, with rows tall
 * enough to tap. Pressing an option keeps focus in the message box, so the keyboard stays up.
 */
export function MentionCombobox({ autocomplete }: { autocomplete: MentionAutocomplete }) {
  const { open, options, active, listId, optionId, choose } = autocomplete;
  if (!open) return null;
  return (
    <div
      id={listId}
      role="listbox"
      aria-label="Entities to mention"
      className="absolute right-3 bottom-full left-3 z-20 mb-1 max-h-[min(18rem,45dvh)] overflow-y-auto overscroll-contain rounded-lg border border-white/15 bg-neutral-950/95 p-1 font-sans text-sm shadow-xl shadow-black backdrop-blur sm:right-auto sm:w-80"
    >
      {options.map((option, index) => {
        const name = option.username ?? option.id;
        return (
          // biome-ignore lint/a11y/useKeyWithClickEvents: the message box handles the keys (combobox pattern: focus stays there)
          <div
            key={option.id}
            tabIndex={-1}
            id={optionId(index)}
            role="option"
            aria-selected={index === active}
            data-entity={option.id}
            onPointerDown={(event) => event.preventDefault()}
            onClick={() => choose(option)}
            className={`flex min-h-11 cursor-pointer items-center gap-2 rounded-md px-2.5 ${
              index === active ? "bg-white/10" : "hover:bg-white/[0.06]"
            }`}
          >
            <span
              className="size-2.5 shrink-0 rounded-full"
              style={{ background: option.color ? textColor(option.color) : "rgb(163 163 163)" }}
              aria-hidden="true"
            />
            <span
              className="min-w-0 truncate font-mono text-[13px]"
              style={option.color ? { color: textColor(option.color) } : undefined}
            >
              {name}
            </span>
            {option.username && option.username !== option.id ? (
              <span className="min-w-0 truncate text-[11px] text-muted">{option.id}</span>
            ) : null}
            <span
              className={`ml-auto flex shrink-0 items-center gap-1 text-[11px] ${option.served ? "text-emerald-300" : "text-muted"}`}
            >
              <span
                className={`size-1.5 rounded-full ${option.served ? "bg-emerald-400" : "bg-neutral-500"}`}
                aria-hidden="true"
              />
              {option.served ? "online" : "offline"}
            </span>
          </div>
        );
      })}
    </div>
  );
}
