// Waiting on real time, for the tests and benchmarks that drive real processes (a clock cannot be
// injected into wrangler dev or a bot). Pure logic takes an injected clock instead.

/** Resolves after `ms` (at once for a deadline already past). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** Polls `done` every `everyMs` until it holds; throws, naming `what`, after `timeoutMs`. */
export async function until(done: () => boolean, timeoutMs: number, what: string, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
