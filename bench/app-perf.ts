// The web app's performance (issue 5, must-show 5): first load to first message painted, the
// JavaScript shipped (gzip), and long tasks while scrolling 10,000 messages. Starts the real
// Worker (serving out/ and the API) on fresh state, seeds a room, drives Debian Chromium, and
// rewrites the "Web app" section of bench/RESULTS.md.
//   npm run build && node bench/app-perf.ts
import { existsSync, readFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { type Browser, chromium, type Page } from "@playwright/test";
import { HttpClient } from "./lib/http-client.ts";
import { writeSection } from "./lib/results-file.ts";
import { startWorker } from "./lib/worker-process.ts";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(repoRoot, "out");
const resultsPath = join(repoRoot, "bench", "RESULTS.md");
const MESSAGES = 10_000;
const SEED_CONNECTIONS = 16;
const LOAD_RUNS = 5;
const ROOM = "bench-app";
const FIRST_MESSAGE_MARK = "sww:first-message";
const LONG_TASK_LIMIT_MS = 50;
const BOT_TOKEN = /^BOT_TOKEN=(.*)$/m.exec(readFileSync(join(repoRoot, ".dev.vars"), "utf8"))?.[1]?.trim() ?? "";

function shippedJs(): { files: number; rawBytes: number; gzipBytes: number } {
  const html = readFileSync(join(outDir, "index.html"), "utf8");
  // Legacy polyfills (`noModule`) are never fetched by the browsers the app supports.
  const tags = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"[^>]*>/g)].filter((m) => !/nomodule/i.test(m[0]));
  const sources = [...new Set(tags.map((m) => m[1]!))];
  if (sources.length === 0) throw new Error("out/index.html references no scripts: run `npm run build` first");
  let rawBytes = 0;
  let gzipBytes = 0;
  for (const src of sources) {
    const file = readFileSync(join(outDir, decodeURIComponent(src.replace(/^\//, ""))));
    rawBytes += file.length;
    gzipBytes += gzipSync(file, { level: 9 }).length;
  }
  return { files: sources.length, rawBytes, gzipBytes };
}

async function seed(http: HttpClient): Promise<number> {
  const started = Date.now();
  let next = 0;
  const speakers = ["Alice", "kai_", "bob", "mira", "Sage"];
  const worker = async () => {
    while (next < MESSAGES) {
      const i = next++;
      const username = speakers[i % speakers.length]!;
      await http.send("POST", `/api/comments?room=${ROOM}`, {
        token: BOT_TOKEN,
        body: {
          id: `bench-${i}`,
          text: `message ${i}: ${"a fairly ordinary line of chat ".repeat(1 + (i % 4))}`.trim(),
          username,
          color: ["255170120", "120200255", "170230120", "240200100", "120200150"][i % 5],
          domain: "127.0.0.1",
          "message-type": "human",
        },
      });
    }
  };
  await Promise.all(Array.from({ length: SEED_CONNECTIONS }, worker));
  return Date.now() - started;
}

/** Navigation start → the frame after the first message row rendered, in a cold browser context. */
async function firstMessagePainted(
  browser: Browser,
  origin: string,
): Promise<{ firstMessageMs: number; fcpMs: number }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${origin}/?room=${ROOM}`);
  await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, FIRST_MESSAGE_MARK, {
    timeout: 30_000,
  });
  const result = await page.evaluate((mark) => {
    const first = performance.getEntriesByName(mark)[0]!.startTime;
    const fcp = performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? Number.NaN;
    return { firstMessageMs: first, fcpMs: fcp };
  }, FIRST_MESSAGE_MARK);
  await context.close();
  return result;
}

async function loadAllHistory(page: Page): Promise<{ ms: number; loads: number }> {
  const started = Date.now();
  let loads = 0;
  for (; loads < 200; loads++) {
    const done = await page.evaluate(() => document.body.innerText.includes("Beginning of the conversation"));
    if (done) break;
    const before = await page.evaluate(() =>
      document.querySelector("ul[aria-label=Messages] > li")?.getAttribute("aria-setsize"),
    );
    await page.locator(".scroll-area").evaluate((el) => {
      el.scrollTop = 0;
    });
    await page.waitForFunction(
      (prev) =>
        document.querySelector("ul[aria-label=Messages] > li")?.getAttribute("aria-setsize") !== prev ||
        document.body.innerText.includes("Beginning of the conversation"),
      before,
      { timeout: 30_000 },
    );
  }
  return { ms: Date.now() - started, loads };
}

interface ScrollStats {
  frames: number;
  durationMs: number;
  longTasks: number;
  longestTaskMs: number;
  slowestFrameMs: number;
  p95FrameMs: number;
  rendered: number;
}

/** Scrolls the whole list top → bottom, a screenful every frame, recording long tasks and frame times. */
async function scrollThrough(page: Page): Promise<ScrollStats> {
  return page.evaluate(async () => {
    const el = document.querySelector<HTMLElement>(".scroll-area")!;
    el.scrollTop = 0;
    await new Promise((r) => setTimeout(r, 500));
    const tasks: number[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) tasks.push(entry.duration);
    });
    observer.observe({ type: "longtask", buffered: false });
    const frameTimes: number[] = [];
    const started = performance.now();
    let last = started;
    await new Promise<void>((resolve) => {
      const step = (t: number) => {
        frameTimes.push(t - last);
        last = t;
        el.scrollTop += el.clientHeight;
        if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) resolve();
        else requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    });
    await new Promise((r) => setTimeout(r, 300));
    observer.disconnect();
    const sorted = [...frameTimes].sort((a, b) => a - b);
    return {
      frames: frameTimes.length,
      durationMs: performance.now() - started,
      longTasks: tasks.filter((d) => d > 50).length,
      longestTaskMs: Math.max(0, ...tasks),
      slowestFrameMs: Math.max(...frameTimes),
      p95FrameMs: sorted[Math.floor(sorted.length * 0.95)] ?? 0,
      rendered: document.querySelectorAll("ul[aria-label=Messages] > li").length,
    };
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

if (!existsSync(join(outDir, "index.html")) || !readFileSync(join(outDir, "index.html"), "utf8").includes("_next")) {
  console.error("out/ holds no built app: run `npm run build` first");
  process.exit(1);
}

const js = shippedJs();
console.log(`JS shipped: ${js.files} files, ${kb(js.rawBytes)} raw, ${kb(js.gzipBytes)} gzip`);
const worker = await startWorker(repoRoot, { RATE_LIMIT_PER_MINUTE: "100000000" });
let browser: Browser | null = null;
try {
  const seedMs = await seed(new HttpClient(worker.origin, SEED_CONNECTIONS));
  console.log(`seeded ${MESSAGES} messages in ${(seedMs / 1000).toFixed(1)} s`);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
  });
  const loads = [];
  for (let i = 0; i < LOAD_RUNS; i++) loads.push(await firstMessagePainted(browser, worker.origin));
  const firstMessage = median(loads.map((l) => l.firstMessageMs));
  const fcp = median(loads.map((l) => l.fcpMs));
  console.log(`first message painted: median ${firstMessage.toFixed(0)} ms (FCP ${fcp.toFixed(0)} ms)`);

  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${worker.origin}/?room=${ROOM}`);
  await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, FIRST_MESSAGE_MARK);
  const history = await loadAllHistory(page);
  const held = await page.evaluate(() =>
    document.querySelector("ul[aria-label=Messages] > li")?.getAttribute("aria-setsize"),
  );
  console.log(`loaded ${held} messages in ${history.loads} "load more" pages, ${(history.ms / 1000).toFixed(1)} s`);
  if (Number(held) !== MESSAGES) throw new Error(`expected ${MESSAGES} messages in the list, found ${held}`);
  const scroll = await scrollThrough(page);
  console.log(`scroll: ${JSON.stringify(scroll)}`);
  await context.close();

  const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
  const verdict = scroll.longTasks === 0 ? "**met**" : `**missed** (${scroll.longTasks} long tasks)`;
  writeSection(
    resultsPath,
    "app-bench",
    `## Web app

Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC with \`npm run build && node bench/app-perf.ts\` on ${process.platform} ${process.arch}, nproc ${availableParallelism()} (${cpu}), Node ${process.version}, Debian Chromium (headless, 1280×800), against the real Worker on 127.0.0.1 (\`${worker.command}\`) serving \`out/\` and a room of ${MESSAGES.toLocaleString("en")} messages.

| measurement | result | target |
| --- | ---: | --- |
| first load → first message painted (navigation start to the frame after the first row rendered; median of ${LOAD_RUNS} cold loads) | ${firstMessage.toFixed(0)} ms | |
| first contentful paint (same loads) | ${fcp.toFixed(0)} ms | |
| JavaScript shipped to open the page (${js.files} module scripts referenced by \`out/index.html\`; the \`noModule\` polyfills for old browsers not counted) | ${kb(js.gzipBytes)} gzip (${kb(js.rawBytes)} raw) | |
| all ${MESSAGES.toLocaleString("en")} messages loaded by scrolling up | ${history.loads} pages, ${(history.ms / 1000).toFixed(1)} s | |
| scroll top → bottom through ${MESSAGES.toLocaleString("en")} messages, one screen per frame (${scroll.frames} frames, ${(scroll.durationMs / 1000).toFixed(1)} s) | ${scroll.longTasks} long tasks > ${LONG_TASK_LIMIT_MS} ms; longest task ${scroll.longestTaskMs.toFixed(0)} ms; p95 frame ${scroll.p95FrameMs.toFixed(1)} ms, slowest ${scroll.slowestFrameMs.toFixed(1)} ms | no long task > ${LONG_TASK_LIMIT_MS} ms: ${verdict} |

Rows in the DOM at the end of the scroll: ${scroll.rendered} (the list is virtualised: only the visible rows and a few above and below exist).`,
  );
  console.log(`wrote the "Web app" section of ${resultsPath}`);
} finally {
  await browser?.close();
  await worker.stop();
}
