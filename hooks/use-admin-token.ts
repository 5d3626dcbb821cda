"use client";

import { useCallback, useState } from "react";

const KEY = "sww:admin-token";

function readToken(): string {
  try {
    return window.sessionStorage.getItem(KEY) ?? "";
  } catch {
    return "";
  }
}

/**
 * O3: the admin token, kept in this tab's sessionStorage only (gone when the tab closes; never in
 * the URL, never in localStorage). Storage that is unavailable keeps it in memory.
 */
export function useAdminToken(): [string, (token: string) => void] {
  const [token, setToken] = useState(readToken);
  const store = useCallback((next: string) => {
    setToken(next);
    try {
      if (next) window.sessionStorage.setItem(KEY, next);
      else window.sessionStorage.removeItem(KEY);
    } catch {
      // Private mode or quota: the token lives as long as the page.
    }
  }, []);
  return [token, store];
}
