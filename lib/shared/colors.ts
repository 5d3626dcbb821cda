/**
 * Colors on the wire are `RRRGGGBBB` (each channel 000-255), optionally followed by `-` and a
 * 10-character suffix that only makes an identity unique. These helpers turn them into readable
 * CSS on the app's black background.
 */

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

const WIRE_COLOR = /^(\d{3})(\d{3})(\d{3})(?:-[A-Za-z0-9]{10})?$/;

export function parseColor(color: string): Rgb | null {
  const match = WIRE_COLOR.exec(color);
  if (!match) return null;
  const [r, g, b] = [match[1], match[2], match[3]].map(Number) as [number, number, number];
  if (r > 255 || g > 255 || b > 255) return null;
  return { r, g, b };
}

export function formatColor({ r, g, b }: Rgb): string {
  return [r, g, b].map((c) => String(Math.round(clamp(c, 0, 255))).padStart(3, "0")).join("");
}

/** Shown for colors that do not parse (older clients sent anything). */
export const FALLBACK_RGB: Rgb = { r: 200, g: 200, b: 200 };

export function rgbOf(color: string): Rgb {
  return parseColor(color) ?? FALLBACK_RGB;
}

export function cssRgb({ r, g, b }: Rgb, alpha?: number): string {
  const base = `${Math.round(r)} ${Math.round(g)} ${Math.round(b)}`;
  return alpha === undefined ? `rgb(${base})` : `rgb(${base} / ${alpha})`;
}

/** WCAG relative luminance. */
export function luminance({ r, g, b }: Rgb): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** Contrast ratio of a color against pure black (the page background). */
export function contrastOnBlack(rgb: Rgb): number {
  return (luminance(rgb) + 0.05) / 0.05;
}

/** WCAG AA for normal text, with a small margin so rounding never drops below it. */
export const MIN_TEXT_CONTRAST = 4.6;

/**
 * The same hue mixed toward white just enough to be readable on black. Authors pick any color
 * (a dark blue is legal), but every reader must be able to read it, screen-reader users' sighted
 * helpers included; colors that are already readable come back unchanged.
 */
export function readableOnBlack(rgb: Rgb, minContrast = MIN_TEXT_CONTRAST): Rgb {
  if (contrastOnBlack(rgb) >= minContrast) return rgb;
  let low = 0;
  let high = 1;
  for (let i = 0; i < 20; i++) {
    const mid = (low + high) / 2;
    if (contrastOnBlack(mixWithWhite(rgb, mid)) >= minContrast) high = mid;
    else low = mid;
  }
  const lifted = mixWithWhite(rgb, high);
  return { r: Math.ceil(lifted.r), g: Math.ceil(lifted.g), b: Math.ceil(lifted.b) };
}

function mixWithWhite({ r, g, b }: Rgb, amount: number): Rgb {
  return { r: r + (255 - r) * amount, g: g + (255 - g) * amount, b: b + (255 - b) * amount };
}

/** An author's color at the given opacity over black, as a solid color. */
export function dimOnBlack({ r, g, b }: Rgb, opacity: number): Rgb {
  return { r: r * opacity, g: g * opacity, b: b * opacity };
}

/** Rows ask for the same few colors over and over while scrolling: compute each once. */
const cssCache = new Map<string, string>();
function cached(key: string, compute: () => string): string {
  let value = cssCache.get(key);
  if (value === undefined) {
    if (cssCache.size > 2_000) cssCache.clear();
    value = compute();
    cssCache.set(key, value);
  }
  return value;
}

/** The message text: the author's color, readable. */
export function textColor(color: string): string {
  return cached(`t${color}`, () => cssRgb(readableOnBlack(rgbOf(color))));
}

/** C1: the `username:` label is the author's color at 60 % opacity (lifted when unreadable). */
export const USERNAME_OPACITY = 0.6;
export function usernameColor(color: string): string {
  return cached(`u${color}`, () => cssRgb(readableOnBlack(dimOnBlack(rgbOf(color), USERNAME_OPACITY))));
}

/** C6: the fixed opacity steps at which your color tints the chrome. */
export const TINT_STEPS = { faint: 0.08, soft: 0.16, line: 0.3, strong: 0.55 } as const;

/** Random pleasant colors: saturated but light hues that read well on black. */
export function randomPleasantColor(random: () => number = Math.random): string {
  const hue = random() * 360;
  const saturation = 0.55 + random() * 0.35;
  const lightness = 0.6 + random() * 0.12;
  return formatColor(readableOnBlack(hslToRgb(hue, saturation, lightness), FRESH_COLOR_CONTRAST));
}

/** Fresh colors start comfortably readable, so no lifting is visible on them. */
const FRESH_COLOR_CONTRAST = 6;

/** C5: a grid of fresh colors for the picker, spread around the hue circle. */
export function colorGrid(count: number, random: () => number = Math.random): string[] {
  const offset = random() * 360;
  return Array.from({ length: count }, (_, i) => {
    const hue = (offset + (i * 360) / count) % 360;
    const lightness = 0.58 + (i % 3) * 0.06 + random() * 0.04;
    return formatColor(readableOnBlack(hslToRgb(hue, 0.6 + random() * 0.3, lightness), FRESH_COLOR_CONTRAST));
  });
}

export function hslToRgb(hue: number, saturation: number, lightness: number): Rgb {
  const chroma = (1 - Math.abs(2 * lightness - 1)) * saturation;
  const h = (((hue % 360) + 360) % 360) / 60;
  const x = chroma * (1 - Math.abs((h % 2) - 1));
  const [r1, g1, b1] =
    h < 1
      ? [chroma, x, 0]
      : h < 2
        ? [x, chroma, 0]
        : h < 3
          ? [0, chroma, x]
          : h < 4
            ? [0, x, chroma]
            : h < 5
              ? [x, 0, chroma]
              : [chroma, 0, x];
  const m = lightness - chroma / 2;
  return { r: (r1 + m) * 255, g: (g1 + m) * 255, b: (b1 + m) * 255 };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
