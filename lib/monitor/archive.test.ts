import { describe, expect, it } from "vitest";
import type { ArchiveStats } from "../../types";
import { archiveFigures, damagedSegmentLines, formatBytes } from "./archive";

const base: ArchiveStats = {
  hotRows: 1_000_250,
  hotBytes: 355_000_000,
  segments: 43,
  archivedMessages: 43_000,
  archivedBytes: 3_354_000,
  corruptSegments: [],
  lastRun: { at: 1_000, segments: 4, messages: 4000, error: null },
};

describe("archive panel figures", () => {
  it("formats bytes in decimal units", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(812)).toBe("812 B");
    expect(formatBytes(4_200)).toBe("4.2 KB");
    expect(formatBytes(355_000_000)).toBe("355 MB");
    expect(formatBytes(1_300_000_000)).toBe("1.3 GB");
  });

  it("shows hot rows and bytes, archived messages, segments and bytes, and the last run", () => {
    const figures = archiveFigures(base, 31_000);
    expect(figures.map((f) => [f.label, f.value, f.detail])).toEqual([
      ["Hot (SQLite)", "1,000,250", "messages · 355 MB"],
      ["Archived (R2)", "43,000", "messages in 43 segments · 3.4 MB"],
      ["Last archive run", "30 s ago", "4 segments, 4,000 messages"],
    ]);
  });

  it("says when the archive never ran, and shows a failed run's error", () => {
    expect(archiveFigures({ ...base, lastRun: null }, 0)[2]).toMatchObject({ value: "never" });
    const failed = archiveFigures({ ...base, lastRun: { at: 0, segments: 0, messages: 0, error: "R2 down" } }, 5_000);
    expect(failed[2]?.detail).toBe("failed: R2 down");
  });
});

describe("damaged segments in the archive panel", () => {
  it("names each damaged segment's unreadable seqs, how many messages, why, and its R2 object", () => {
    const archive: ArchiveStats = {
      ...base,
      corruptSegments: [
        {
          key: "rooms/global/000000000000201-000000000000300.json.gz",
          error: "archive segment … is corrupt: the object is missing from R2",
          fromSeq: 201,
          toSeq: 300,
          messages: 97,
          reason: "missing",
        },
        {
          key: "rooms/global/one.json.gz",
          error: "does not decode",
          fromSeq: 7,
          toSeq: 7,
          messages: 1,
          reason: "corrupt",
        },
      ],
    };
    expect(damagedSegmentLines(archive).map((l) => l.text)).toEqual([
      "seqs 201–300: 97 messages unreadable (missing from R2) · rooms/global/000000000000201-000000000000300.json.gz: archive segment … is corrupt: the object is missing from R2",
      "seq 7: 1 message unreadable (corrupt) · rooms/global/one.json.gz: does not decode",
    ]);
    expect(damagedSegmentLines(base)).toEqual([]);
  });
});
