// The repository explains itself: every relative link of its documentation leads to a file in it,
// every path docs/FEATURES.md names as where a feature lives or what shows it exists, and nothing
// refers to a tracker's issue numbers (features are named by their IDs in docs/FEATURES.md).
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/worker-process.ts";

const DOCS = [
  "README.md",
  ...readdirSync(join(REPO_ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

/** The targets of a Markdown file's `[text](target)` and `![alt](target)` links that point into the repository. */
function relativeLinks(markdown: string): string[] {
  const targets = [...markdown.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
  return targets.filter((t) => !/^([a-z][a-z0-9+.-]*:|#)/i.test(t)).map((t) => decodeURI(t.split("#")[0]!));
}

/** The backticked repository paths in the "where" and "shown by" cells of FEATURES.md's tables. */
function featurePaths(markdown: string): { id: string; path: string }[] {
  const found: { id: string; path: string }[] = [];
  for (const line of markdown.split("\n")) {
    const cells = line.split(" | ");
    const id = /^\| ([A-Z]\d+)$/.exec(cells[0] ?? "")?.[1];
    if (!id) continue;
    for (const cell of cells.slice(2)) {
      for (const [, path] of cell.matchAll(/`([^`\s]+)`/g)) {
        // A repository path has a folder or a file's extension; `/api/…` routes, `before=` and
        // `ApiError.retryable` are not paths.
        if (path!.startsWith("/") || !/\/|\.(ts|tsx|mjs|md|css|json|toml)$/.test(path!)) continue;
        found.push({ id, path: path! });
      }
    }
  }
  return found;
}

/** A path exists, or (with one `*` in its last part, like `workers/routes/*.ts`) matches a file. */
function resolves(path: string): boolean {
  if (!path.includes("*")) return existsSync(join(REPO_ROOT, path));
  const folder = join(REPO_ROOT, dirname(path));
  const pattern = new RegExp(`^${path.split("/").pop()!.split("*").map(escapeRegExp).join("[^/]*")}$`);
  return existsSync(folder) && readdirSync(folder).some((f) => pattern.test(f));
}
const escapeRegExp = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&");

/** A reference to a tracker's issue by number, in any of the spellings it has had. */
const ISSUE_REFERENCE = /\bissue ?#?\d+/i;

describe("the documentation's links", () => {
  it("every relative Markdown link in README.md and docs/*.md leads to a file of the repository", () => {
    const dead = DOCS.flatMap((doc) => {
      const text = readFileSync(join(REPO_ROOT, doc), "utf8");
      return relativeLinks(text)
        .filter((target) => !existsSync(join(REPO_ROOT, dirname(doc), target)))
        .map((target) => `${doc}: ${target}`);
    });
    expect(dead).toEqual([]);
  });

  it("every path docs/FEATURES.md gives as where a feature lives or what shows it exists", () => {
    const paths = featurePaths(readFileSync(join(REPO_ROOT, "docs", "FEATURES.md"), "utf8"));
    // The table is read at all: a change of its layout must not make this test vacuous.
    expect(paths.length).toBeGreaterThan(100);
    expect(paths.filter(({ path }) => !resolves(path)).map(({ id, path }) => `${id}: ${path}`)).toEqual([]);
  });

  it("the link readers find dead ones (and leave web addresses and anchors alone)", () => {
    expect(relativeLinks("[a](docs/X.md) ![b](../y.png) [c](https://e.example) [d](#top) [e](z.md#part)")).toEqual([
      "docs/X.md",
      "../y.png",
      "z.md",
    ]);
    expect(featurePaths("| C1 | what | `lib/a.ts`, `before=` | `/api/x`, `tests/b.spec.ts` |")).toEqual([
      { id: "C1", path: "lib/a.ts" },
      { id: "C1", path: "tests/b.spec.ts" },
    ]);
  });
});

describe("no tracker issue numbers", () => {
  it("no tracked file (but the lockfile) refers to an issue by number: name the feature ID or the section", () => {
    const files = execFileSync("git", ["ls-files", "-z"], { cwd: REPO_ROOT, encoding: "utf8" })
      .split("\0")
      .filter((f) => f && f !== "package-lock.json" && existsSync(join(REPO_ROOT, f)));
    const hits = files.flatMap((file) => {
      const bytes = readFileSync(join(REPO_ROOT, file));
      if (bytes.includes(0)) return []; // binary (screenshots)
      return bytes
        .toString("utf8")
        .split("\n")
        .flatMap((line, i) => (ISSUE_REFERENCE.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : []));
    });
    expect(files.length).toBeGreaterThan(100);
    expect(hits).toEqual([]);
  });

  it("the pattern catches every spelling used so far", () => {
    // Built at run time, so this file holds no reference itself.
    for (const spelling of [`(issue ${9})`, `Issue #${13}:`, `issue#${12}`, `issue${12}`])
      expect(spelling).toMatch(ISSUE_REFERENCE);
    expect("result.error.issues.map").not.toMatch(ISSUE_REFERENCE);
  });
});
