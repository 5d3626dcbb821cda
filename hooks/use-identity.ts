"use client";

import { useCallback, useEffect, useMemo } from "react";
import type { HashState, Identity } from "@/lib/chat/hash-state";
import { randomPleasantColor } from "@/lib/shared/colors";
import { colorSchema, usernameSchema } from "@/lib/shared/wire";
import { LIMITS } from "@/types/constants";
import { normalizeName } from "@/types/names";
import { readStoredValue, storeValue, useLocalStorage } from "./use-local-storage";

const USERNAME_KEY = "sww:username";
const COLOR_KEY = "sww:color";

export interface IdentityControls {
  username: string;
  color: string;
  /** Set once a valid username exists: who "me" is for filters and queue state. */
  identity: Identity | undefined;
  setUsername: (username: string) => void;
  setColor: (color: string) => void;
  randomColor: () => void;
}

/**
 * C5: a first visit's random color, stored before the page's first render, so that render already
 * has it (picked by the effect below instead, it would render the whole page a second time).
 */
export function ensureStoredColor(): void {
  const stored = readStoredValue(COLOR_KEY);
  if (stored === null || !colorSchema.safeParse(stored).success) storeValue(COLOR_KEY, randomPleasantColor());
}

/**
 * C5: username and color kept in localStorage; a first visit gets a random pleasant color.
 * `uis` in the URL (F7) sets the identity and is remembered like a typed one.
 */
export function useIdentity(fromUrl: HashState["me"]): IdentityControls {
  const [storedName, storeName] = useLocalStorage(USERNAME_KEY);
  const [storedColor, storeColor] = useLocalStorage(COLOR_KEY);

  useEffect(() => {
    if (storedColor === null || !colorSchema.safeParse(storedColor).success) storeColor(randomPleasantColor());
  }, [storedColor, storeColor]);

  const urlName = fromUrl?.username;
  const urlColor = fromUrl?.color;
  useEffect(() => {
    if (!urlName) return;
    storeName(urlName);
    if (urlColor && urlColor !== "random") storeColor(urlColor);
    else if (urlColor === "random") storeColor(randomPleasantColor());
  }, [urlName, urlColor, storeName, storeColor]);

  const username = storedName ?? "";
  const color = storedColor && colorSchema.safeParse(storedColor).success ? storedColor : "";
  const identity = useMemo(
    () => (usernameSchema.safeParse(username).success && color ? { username, color } : undefined),
    [username, color],
  );

  const setUsername = useCallback(
    // Stored as the server will store it (NFC, types/names.ts), so "me" matches my messages as returned.
    (next: string) => storeName(normalizeName(next.replace(/\s+/g, "")).slice(0, LIMITS.usernameMax)),
    [storeName],
  );
  const setColor = useCallback(
    (next: string) => {
      if (colorSchema.safeParse(next).success) storeColor(next);
    },
    [storeColor],
  );
  const randomColor = useCallback(() => storeColor(randomPleasantColor()), [storeColor]);

  return { username, color, identity, setUsername, setColor, randomColor };
}
