/** Shared look of every Radix menu in the app (message, title, sound, color, entity menus). */
export const menuContentClass =
  "z-50 min-w-48 overflow-hidden rounded-lg border border-white/15 bg-neutral-950/95 p-1 font-sans text-sm text-neutral-100 shadow-2xl shadow-black backdrop-blur data-[state=open]:animate-menu-in";

export const menuItemClass =
  "flex cursor-default select-none items-center gap-2 rounded-md px-2.5 py-1.5 outline-none data-[disabled]:text-neutral-400 data-[highlighted]:bg-(--tint-soft) data-[highlighted]:text-white";

export const menuLabelClass = "px-2.5 pt-1.5 pb-1 text-[11px] uppercase tracking-wider text-muted";

export const menuSeparatorClass = "my-1 h-px bg-white/10";
