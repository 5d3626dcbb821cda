"use client";

import { useCallback } from "react";
import type { Message } from "@/types";
import { copyText, downloadText } from "../components/browser-io";
import type { ExportKind } from "../components/title-menu";

/**
 * X2: runs a title-menu item on the messages currently displayed (after filters, oldest first):
 * the text comes from lib/chat/exports, the clipboard or a download happens here.
 */
export function useExportActions(displayed: readonly Message[], title: string, notify: (text: string) => void) {
  return useCallback(
    (kind: ExportKind) => {
      const ctx = { title, url: window.location.href, exportedAt: Date.now() };
      const copy = (text: string, done: string) =>
        void copyText(text).then(
          () => notify(done),
          () => notify("The browser refused to copy"),
        );
      if (kind === "copy-link") {
        copy(ctx.url, "Conversation link copied");
        return;
      }
      if (displayed.length === 0) {
        notify("Nothing to export in this view");
        return;
      }
      const n = `${displayed.length} message${displayed.length === 1 ? "" : "s"}`;
      // The export formats load with the menus (components/menus.tsx), not with the page.
      void import("@/lib/chat/exports").then((x) => {
        switch (kind) {
          case "copy-all":
            copy(x.copyAllText(displayed, ctx), `Copied ${n}`);
            break;
          case "copy-verbose":
            copy(x.copyAllVerboseText(displayed, ctx), `Copied ${n} (verbose)`);
            break;
          case "save-all":
            downloadText(x.saveAllFilename(title, ctx.exportedAt), x.copyAllText(displayed, ctx));
            break;
          case "json":
            downloadText(x.jsonFilename(title, ctx.exportedAt), x.jsonExport(displayed), "application/json");
            break;
          case "markdown":
            downloadText(x.markdownFilename(title, ctx.exportedAt), x.markdownExport(displayed, ctx), "text/markdown");
            break;
        }
      });
    },
    [displayed, title, notify],
  );
}
