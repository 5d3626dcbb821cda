import { describe, expect, it } from "vitest";
import {
  colorGrid,
  contrastOnBlack,
  formatColor,
  MIN_TEXT_CONTRAST,
  parseColor,
  randomPleasantColor,
  readableOnBlack,
  usernameColor,
} from "./colors";
import { tintVariables } from "./tint";

function seeded(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

describe("wire colors", () => {
  it("parses RRRGGGBBB with an optional suffix and rejects the rest", () => {
    expect(parseColor("255128000")).toEqual({ r: 255, g: 128, b: 0 });
    expect(parseColor("001002003-abcdefghij")).toEqual({ r: 1, g: 2, b: 3 });
    expect(parseColor("256000000")).toBeNull();
    expect(parseColor("#ff0000")).toBeNull();
    expect(formatColor({ r: 1, g: 22, b: 255 })).toBe("001022255");
  });
});

describe("readability on black", () => {
  it("lifts any author color to readable text and keeps readable colors as they are", () => {
    const random = seeded(7);
    for (let i = 0; i < 500; i++) {
      const rgb = { r: Math.floor(random() * 256), g: Math.floor(random() * 256), b: Math.floor(random() * 256) };
      const readable = readableOnBlack(rgb);
      expect(contrastOnBlack(readable)).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
      if (contrastOnBlack(rgb) >= MIN_TEXT_CONTRAST) expect(readable).toEqual(rgb);
    }
  });

  it("dims usernames to 60 % of a bright color", () => {
    expect(usernameColor("255255255")).toBe("rgb(153 153 153)");
  });
});

describe("fresh colors (C5)", () => {
  it("random colors are valid wire colors that read well on black", () => {
    const random = seeded(42);
    for (let i = 0; i < 200; i++) {
      const color = randomPleasantColor(random);
      const rgb = parseColor(color);
      expect(rgb).not.toBeNull();
      expect(contrastOnBlack(rgb!)).toBeGreaterThan(4.5);
    }
    const grid = colorGrid(24, random);
    expect(new Set(grid).size).toBe(24);
    for (const c of grid) expect(parseColor(c)).not.toBeNull();
  });
});

describe("chrome tint (C6)", () => {
  it("derives every step from my color at fixed opacities, readable on black", () => {
    expect(tintVariables("255200150")).toEqual({
      "--tint-faint": "rgb(255 200 150 / 0.08)",
      "--tint-soft": "rgb(255 200 150 / 0.16)",
      "--tint-line": "rgb(255 200 150 / 0.3)",
      "--tint-strong": "rgb(255 200 150 / 0.55)",
      "--tint-text": "rgb(255 200 150)",
    });
    const dark = tintVariables("000000128")["--tint-text"];
    const [r, g, b] = dark.match(/\d+/g)!.map(Number) as [number, number, number];
    expect(contrastOnBlack({ r, g, b })).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
    expect(tintVariables("")["--tint-text"]).toBe("rgb(180 180 180)");
  });
});
