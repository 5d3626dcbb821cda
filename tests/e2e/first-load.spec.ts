import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { shippedJs } from "../../bench/lib/app-baseline.ts";

/**
 * What the chat page's first load ships (docs/ARCHITECTURE.md, "What the chat page ships"): the
 * scripts `out/index.html` references hold neither zod (the page checks bodies with lib/shared/wire.ts)
 * nor partysocket (lib/chat/live-connection.ts loads after the first screen, hooks/use-live.ts). A
 * static import of either from anything on the first screen fails here. Each marker is checked
 * to be in the build at all, so a renamed library cannot pass this by accident.
 */
test("the chat page's first load ships neither zod nor the socket's code", () => {
  const out = join(import.meta.dirname, "..", "..", "out");
  const read = (src: string) => readFileSync(join(out, decodeURIComponent(src.replace(/^\//, ""))), "utf8");
  const firstLoad = shippedJs(out, "index.html").sources.map(read);
  const chunks = join(out, "_next", "static", "chunks");
  const everything = readdirSync(chunks)
    .filter((f) => f.endsWith(".js"))
    .map((f) => readFileSync(join(chunks, f), "utf8"));
  for (const [marker, what] of [
    ["$ZodType", "zod"],
    ["PartySocket", "partysocket"],
  ] as const) {
    expect(
      everything.some((code) => code.includes(marker)),
      `${what} is in the build`,
    ).toBe(true);
    expect(firstLoad.filter((code) => code.includes(marker)).length, `${what} in the first load`).toBe(0);
  }
});
