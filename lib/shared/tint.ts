import { cssRgb, readableOnBlack, rgbOf, TINT_STEPS } from "./colors";

/** Before an identity has a color, the chrome is a neutral grey. */
const NEUTRAL = "180180180";

/**
 * C6: your color tints the chrome (borders, placeholders, buttons) at fixed opacity steps, as CSS
 * custom properties the components use (`border-(--tint-line)`, `bg-(--tint-text)`, …).
 */
export function tintVariables(color: string): Record<`--tint-${keyof typeof TINT_STEPS | "text"}`, string> {
  const rgb = readableOnBlack(rgbOf(color || NEUTRAL));
  return {
    "--tint-faint": cssRgb(rgb, TINT_STEPS.faint),
    "--tint-soft": cssRgb(rgb, TINT_STEPS.soft),
    "--tint-line": cssRgb(rgb, TINT_STEPS.line),
    "--tint-strong": cssRgb(rgb, TINT_STEPS.strong),
    "--tint-text": cssRgb(rgb),
  };
}
