import { existsSync, readFileSync, writeFileSync } from "node:fs";

const FILE_TITLE = "# Benchmark results\n";

/**
 * Replaces the text between `<!-- NAME:start -->` and `<!-- NAME:end -->` in a shared results
 * file, leaving every other section (written by other benchmarks) byte for byte as it was.
 * Without the markers the section is appended; without the file it is created.
 */
export function writeSection(path: string, name: string, content: string): void {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${content.trim()}\n${end}`;
  const current = existsSync(path) ? readFileSync(path, "utf8") : FILE_TITLE;
  const from = current.indexOf(start);
  const to = current.indexOf(end, from);
  const next =
    from !== -1 && to !== -1
      ? current.slice(0, from) + block + current.slice(to + end.length)
      : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, next);
}
