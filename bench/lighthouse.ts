import { loadavg } from "node:os";
import { chromium, devices } from "@playwright/test";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import { FIRST_PAINT_ELEMENT_ID } from "../types/page.ts";
import { seedMessage } from "./lib/app-baseline.ts";
import { type Burst, interleavedRound } from "./lib/interleaved.ts";
import { writeSection } from "./lib/results-file.ts";
import { localToken, machine, measuredAt, REPO_ROOT, RESULTS_PATH } from "./lib/setup.ts";
import { median } from "./lib/stats.ts";
import { startWorker } from "./lib/worker-process.ts";

const MESSAGES = 200;
const RUNS = 5;
const ROOM = "bench-lighthouse";
const CHROME_PATH = process.env.CHROME_PATH ?? "/usr/bin/chromium";
const BOT_TOKEN = localToken("BOT_TOKEN");
const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"] as const;

interface Run {
  scores: Record<(typeof CATEGORIES)[number], number>;
  tbtMs: number;
  lcpMs: number;
  ttiMs: number;
  cls: number;
  lcpElement: string;
  unusedJsKiB: number;
  bfcacheFailures: string[];
  failedAudits: string[];
  /** What the page logged as errors (Lighthouse's `errors-in-console`), so a failure says its cause. */
  consoleErrors: string[];
}

async function seed(origin: string): Promise<void> {
  for (let i = 0; i < MESSAGES; i++) {
    const m = seedMessage(i);
    const res = await fetch(`${origin}/api/comments?room=${ROOM}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${BOT_TOKEN}` },
      body: JSON.stringify({ ...m, domain: "127.0.0.1", "message-type": "human" }),
    });
    if (!res.ok) throw new Error(`seeding failed: ${res.status} ${await res.text()}`);
  }
  // The first paint comes from the room's KV snapshot, which its alarm writes shortly after.
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    const html = await (await fetch(`${origin}/?room=${ROOM}`)).text();
    if (html.includes(FIRST_PAINT_ELEMENT_ID)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("the room's snapshot never reached the page: no first-paint rows after 60 s");
}

type Lhr = NonNullable<Awaited<ReturnType<typeof lighthouse>>>["lhr"];

function summarise(lhr: Lhr): Run {
  const audit = (id: string) => lhr.audits[id];
  const lcpDetails = audit("largest-contentful-paint-element")?.details as
    | { items?: { items?: { node?: { snippet?: string; nodeLabel?: string } }[] }[] }
    | undefined;
  const node = lcpDetails?.items?.[0]?.items?.[0]?.node;
  const bf = audit("bf-cache")?.details as { items?: { reason?: string }[] } | undefined;
  const unused = audit("unused-javascript")?.details as { overallSavingsBytes?: number } | undefined;
  const logged = audit("errors-in-console")?.details as
    | { items?: { source?: string; description?: string; sourceLocation?: { url?: string } }[] }
    | undefined;
  return {
    scores: Object.fromEntries(
      CATEGORIES.map((c) => [c, Math.round((lhr.categories[c]?.score ?? 0) * 100)]),
    ) as Run["scores"],
    tbtMs: audit("total-blocking-time")?.numericValue ?? Number.NaN,
    lcpMs: audit("largest-contentful-paint")?.numericValue ?? Number.NaN,
    ttiMs: audit("interactive")?.numericValue ?? Number.NaN,
    cls: audit("cumulative-layout-shift")?.numericValue ?? Number.NaN,
    lcpElement: node
      ? `${node.nodeLabel ?? ""} — ${node.snippet ?? ""}`
      : `(Lighthouse: ${audit("largest-contentful-paint-element")?.errorMessage?.slice(0, 120) ?? "none"})`,
    unusedJsKiB: (unused?.overallSavingsBytes ?? 0) / 1024,
    bfcacheFailures: (bf?.items ?? []).map((i) => String(i.reason ?? "")),
    failedAudits: Object.values(lhr.audits)
      .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode === "binary")
      .map((a) => a.id),
    consoleErrors: (logged?.items ?? []).map(
      (i) => `${i.source ?? "?"}: ${(i.description ?? "").replace(/\s+/g, " ").slice(0, 160)}`,
    ),
  };
}

/**
 * The Largest Contentful Paint element as the page itself reports it (PerformanceObserver, a
 * phone's viewport): Lighthouse 12.2's element audit fails on this Chromium's traces ("RootCauses …
 * frame_sequence"). Described when the entry arrives, since the app removes the static rows.
 */
async function lcpElementOf(url: string): Promise<string> {
  const browser = await chromium.launch({ executablePath: CHROME_PATH });
  try {
    const page = await browser.newPage({ ...devices["Moto G4"] });
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { lcpSeen: string[] }).lcpSeen = seen;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as (PerformanceEntry & { element?: Element | null; size: number })[]) {
          const el = e.element;
          const where = el?.closest("[id]")?.id ?? "";
          const text = (el?.textContent ?? "").replace(/\s+/g, " ").slice(0, 60);
          seen.push(
            `${el?.tagName.toLowerCase() ?? "?"}${where ? ` in #${where}` : ""} (${e.size} px², ${Math.round(e.startTime)} ms): "${text}"`,
          );
        }
      }).observe({ type: "largest-contentful-paint", buffered: true });
    });
    await page.goto(url);
    await page.waitForTimeout(3000);
    const seen = await page.evaluate(() => (window as unknown as { lcpSeen: string[] }).lcpSeen);
    return seen.at(-1) ?? "(no entry)";
  } finally {
    await browser.close();
  }
}

async function audit(url: string, port: number): Promise<Run> {
  const result = await lighthouse(url, { port, output: "json", logLevel: "error", onlyCategories: [...CATEGORIES] });
  if (!result) throw new Error(`lighthouse returned nothing for ${url}`);
  if (result.lhr.runtimeError) throw new Error(`${url}: ${result.lhr.runtimeError.message}`);
  return summarise(result.lhr);
}

const started = Date.now();
const loadBefore = loadavg()[0] ?? 0;
const worker = await startWorker(REPO_ROOT, { RATE_LIMIT_PER_MINUTE: "100000000", POST_FLOOD_GUARD: "0" });
const chrome = await chromeLauncher.launch({
  chromePath: CHROME_PATH,
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu"],
});
const members = [
  { name: "chat page", url: `${worker.origin}/?room=${ROOM}` },
  { name: "floor `/404.html`", url: `${worker.origin}/404.html` },
];
const runs: Run[][] = members.map(() => []);
let lcpFromPage = "";
try {
  await seed(worker.origin);
  // A discarded warm-up of each (the Worker's first requests compile its code).
  for (const m of members) await audit(m.url, chrome.port);
  const bursts: Burst<Run>[] = members.map((m) => async (count) => {
    const results: Run[] = [];
    for (let i = 0; i < count; i++) results.push(await audit(m.url, chrome.port));
    return { latenciesMs: [], results };
  });
  lcpFromPage = await lcpElementOf(members[0]?.url ?? "");
  for (let round = 0; round < RUNS; round++) {
    const out = await interleavedRound(bursts, { operations: 1, slice: 1, round, meters: [] });
    for (const [i, o] of out.entries()) runs[i]?.push(...o.results);
    console.log(
      `round ${round + 1}: ${members.map((m, i) => `${m.name} ${runs[i]?.at(-1)?.scores.performance}`).join(", ")}`,
    );
  }
} finally {
  await chrome.kill();
  await worker.stop();
}

const [app = [], floor = []] = runs;
const med = (rs: Run[], f: (r: Run) => number) => median(rs.map(f));
/** Median of the per-round ratios app ÷ floor (rounds pair the two runs measured side by side). */
const ratio = (f: (r: Run) => number) => median(app.map((r, i) => f(r) / f(floor[i] ?? r)));
const fmt = (v: number, digits = 0) => (Number.isFinite(v) ? v.toFixed(digits) : "n/a");
const perfGap = med(app, (r) => r.scores.performance) - med(floor, (r) => r.scores.performance);
const tbtRatio = ratio((r) => Math.max(r.tbtMs, 1));
const others = ["accessibility", "best-practices", "seo"] as const;
const appOthers = others.map((c) => med(app, (r) => r.scores[c]));

const rows: [string, (r: Run) => number, number, string][] = [
  ["performance score", (r) => r.scores.performance, 0, ""],
  ["Total Blocking Time (ms)", (r) => r.tbtMs, 0, "x"],
  ["Largest Contentful Paint (ms)", (r) => r.lcpMs, 0, "x"],
  ["Time to Interactive (ms)", (r) => r.ttiMs, 0, "x"],
  ["Cumulative Layout Shift", (r) => r.cls, 3, ""],
  ["accessibility", (r) => r.scores.accessibility, 0, ""],
  ["best practices", (r) => r.scores["best-practices"], 0, ""],
  ["SEO", (r) => r.scores.seo, 0, ""],
  ["unused JavaScript (KiB, Lighthouse's estimate)", (r) => r.unusedJsKiB, 1, ""],
];
const table = rows.map(([label, f, digits, showRatio]) => {
  const a = med(app, f);
  const b = med(floor, f);
  const r = showRatio
    ? `${fmt(
        ratio((x) => Math.max(f(x), 1)),
        2,
      )}×`
    : `${a - b >= 0 ? "+" : ""}${fmt(a - b, digits)}`;
  return `| ${label} | ${fmt(a, digits)} | ${fmt(b, digits)} | ${r} |`;
});
const lcpElements = [...new Set(app.map((r) => r.lcpElement))];
const bfcache = [...new Set(app.flatMap((r) => r.bfcacheFailures))];
const failed = [...new Set(app.flatMap((r) => r.failedAudits))];
const consoleErrors = [...new Set(app.flatMap((r) => r.consoleErrors))];

const section = `## Lighthouse (mobile)

Measured ${measuredAt()} UTC with \`npm run build && node bench/lighthouse.ts\` (part of \`npm run bench\`) on ${machine()}, Lighthouse 12 with Debian Chromium (headless); 1-min load average ${loadBefore.toFixed(2)} before, ${(loadavg()[0] ?? 0).toFixed(2)} after (the machine is shared with other work); the run took ${Math.round((Date.now() - started) / 1000)} s.

Lighthouse's default mobile profile (simulated slow 4G, 4x CPU slowdown) against the real Worker on 127.0.0.1 (\`${worker.command}\`), the chat page \`/?room=${ROOM}\` with ${MESSAGES} messages (first-paint rows from the room's snapshot) and the build's \`/404.html\`, the framework floor. ${RUNS} runs of each after a discarded warm-up, interleaved (bench/lib/interleaved.ts, the starting page rotated each round); medians, and each ratio the median of the per-round ratios (chat ÷ floor). Absolute figures move with the machine's load; the same-run gap and ratios are the point.

| measurement | chat page | floor | chat − floor or chat ÷ floor |
| --- | ---: | ---: | ---: |
${table.join("\n")}

Targets: performance within 5 points of the floor: ${perfGap >= -5 ? "**met**" : "**not met**"} (${fmt(perfGap)}); TBT at most 1.5× the floor's: ${tbtRatio <= 1.5 ? "**met**" : "**not met**"} (${fmt(tbtRatio, 2)}×); accessibility, best practices and SEO 100: ${appOthers.every((s) => s === 100) ? "**met**" : `**not met** (${appOthers.join("/")})`}.

Per run (chat page): performance ${app.map((r) => r.scores.performance).join(", ")}; TBT ${app.map((r) => fmt(r.tbtMs)).join(", ")} ms. Floor: performance ${floor.map((r) => r.scores.performance).join(", ")}; TBT ${floor.map((r) => fmt(r.tbtMs)).join(", ")} ms.

LCP element (chat page), as the page's own LargestContentfulPaint entries name it on a Moto G4 viewport (the last entry; \`#${FIRST_PAINT_ELEMENT_ID}\` is the Worker's static first-paint rows): ${lcpFromPage.replace(/`/g, "'")}. As Lighthouse reports it: ${lcpElements.map((e) => `\`${e.replace(/`/g, "'").slice(0, 160)}\``).join("; ")}. Back/forward cache failures Lighthouse saw: ${bfcache.length ? bfcache.join("; ") : "none"}. Binary audits failed on the chat page: ${failed.length ? failed.join(", ") : "none"}${consoleErrors.length ? ` (errors in its console: ${consoleErrors.map((e) => `\`${e.replace(/`/g, "'")}\``).join("; ")})` : ""}.
`;
writeSection(RESULTS_PATH, "lighthouse-bench", section);
console.log(section);
