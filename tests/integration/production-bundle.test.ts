// The production Worker carries no benchmark code: the bundle `npm run deploy` would upload has
// none of the bench build's objects, routes or seeding (they live in workers/bench/, reached only
// through wrangler.bench.toml). The bench build is bundled too, so the same search is shown to
// find them where they are, and the two configs are shown to bind the same resources.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BIN_DIR, REPO_ROOT } from "../support/worker-process.ts";

/** What only the bench build contains: its classes, routes, seeding and bypass header. */
const BENCH_MARKERS = [
  "BenchBaseline",
  "FanoutBaseline",
  "/api/_bench",
  "benchSeed",
  "seedForBench",
  "x-bench-flood-guard",
  "BENCH_ROUTES",
];

const env = {
  ...process.env,
  PATH: `${BIN_DIR}:${process.env.PATH ?? ""}`,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  NEXT_TELEMETRY_DISABLED: "1",
};
const scratch = mkdtempSync(join(tmpdir(), "sww-bundle-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `wrangler deploy --dry-run` of one config: the bundle it would upload and the bindings it lists. */
function dryRun(config: string): { bundle: string; bindings: string[] } {
  const outdir = join(scratch, config);
  const printed = execFileSync("wrangler", ["deploy", "-c", config, "--dry-run", "--outdir", outdir], {
    cwd: REPO_ROOT,
    env,
    encoding: "utf8",
  });
  return { bundle: readFileSync(join(outdir, "index.js"), "utf8"), bindings: bindingsListed(printed) };
}

/** The `env.X (…)` lines of wrangler's binding table. */
function bindingsListed(printed: string): string[] {
  return [...printed.matchAll(/^env\.(\S+)/gm)].map((m) => m[1]!).sort();
}

const present = (bundle: string) => BENCH_MARKERS.filter((marker) => bundle.includes(marker));

describe("the production bundle", () => {
  // Same preparation as `npm run api`: the assets folder exists on a fresh clone.
  execFileSync(process.execPath, [join(REPO_ROOT, "scripts", "prepare-local.mjs")], {
    cwd: REPO_ROOT,
    stdio: "ignore",
  });

  it("contains no bench code, and the bench build contains all of it", () => {
    const production = dryRun("wrangler.toml");
    const bench = dryRun("wrangler.bench.toml");
    expect(present(production.bundle)).toEqual([]);
    // The search finds what it looks for: every marker but the retired var is in the bench build.
    expect(present(bench.bundle)).toEqual(BENCH_MARKERS.filter((m) => m !== "BENCH_ROUTES"));
    expect(production.bindings).not.toContain("BENCH");
    // The bench build binds exactly what production does, plus its two baselines.
    expect(bench.bindings).toEqual([...production.bindings, "BENCH", "FANOUT"].sort());
  });

  it("`npm run deploy -- --dry-run` bundles it (on the app already built)", () => {
    const printed = execFileSync(
      process.execPath,
      [join(REPO_ROOT, "scripts", "deploy.mjs"), "--dry-run", "--no-build"],
      {
        cwd: REPO_ROOT,
        env,
        encoding: "utf8",
      },
    );
    expect(printed).toMatch(/--dry-run: exiting now/);
    expect(bindingsListed(printed)).toContain("ROOM");
    const bundle = readFileSync(join(REPO_ROOT, ".tmp", "deploy-dry-run", "index.js"), "utf8");
    expect(present(bundle)).toEqual([]);
  });
});
