/**
 * N1: notification tones synthesised with the Web Audio API (no audio files), and the per-chip
 * settings kept in localStorage.
 */

export const SOUNDS = ["silent", "chime", "blip", "bell", "pop"] as const;
export type SoundName = (typeof SOUNDS)[number];

interface ToneStep {
  frequency: number;
  startMs: number;
  durationMs: number;
  type: OscillatorType;
}

const TONES: Record<Exclude<SoundName, "silent">, ToneStep[]> = {
  chime: [
    { frequency: 880, startMs: 0, durationMs: 180, type: "sine" },
    { frequency: 1320, startMs: 90, durationMs: 260, type: "sine" },
  ],
  blip: [{ frequency: 660, startMs: 0, durationMs: 90, type: "square" }],
  bell: [
    { frequency: 523.25, startMs: 0, durationMs: 600, type: "triangle" },
    { frequency: 1046.5, startMs: 0, durationMs: 400, type: "sine" },
  ],
  pop: [{ frequency: 320, startMs: 0, durationMs: 70, type: "sine" }],
};

export function isSoundName(value: unknown): value is SoundName {
  return typeof value === "string" && (SOUNDS as readonly string[]).includes(value);
}

let context: AudioContext | null = null;

/** Plays a tone. Browsers only allow audio after a user gesture; before that this is silent. */
export function playSound(name: SoundName): void {
  if (name === "silent" || typeof window === "undefined" || !("AudioContext" in window)) return;
  context ??= new AudioContext();
  const ctx = context;
  if (ctx.state === "suspended") void ctx.resume();
  const now = ctx.currentTime;
  for (const step of TONES[name]) {
    const oscillator = ctx.createOscillator();
    const gain = ctx.createGain();
    const start = now + step.startMs / 1000;
    const end = start + step.durationMs / 1000;
    oscillator.type = step.type;
    oscillator.frequency.setValueAtTime(step.frequency, start);
    // A short attack and exponential release: no clicks at either end.
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.18, start + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, end);
    oscillator.connect(gain).connect(ctx.destination);
    oscillator.start(start);
    oscillator.stop(end + 0.02);
  }
}

/** One tone per second at most, however many chips match at once. */
export const SOUND_COOLDOWN_MS = 1_000;

export function shouldPlay(lastPlayedAt: number | null, now: number): boolean {
  return lastPlayedAt === null || now - lastPlayedAt >= SOUND_COOLDOWN_MS;
}

export type SoundSettings = Record<string, SoundName>;

/** Reads stored settings, dropping anything that is not a known sound. */
export function parseSoundSettings(raw: string | null): SoundSettings {
  if (!raw) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return {};
    // Keys are whatever localStorage held: no prototype, so `__proto__` or `constructor` is just a key.
    const settings: SoundSettings = Object.create(null);
    for (const [key, value] of Object.entries(parsed)) if (isSoundName(value)) settings[key] = value;
    return settings;
  } catch {
    return {};
  }
}
