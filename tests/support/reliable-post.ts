// Posting the way the app does (C11): a send that fails for a network reason, a 5xx or
// a 429 is retried with the SAME id (so the server stores it once) with backoff, until the Worker
// acknowledges it; any other 4xx is the client's fault and is thrown.
import type { Message } from "../../types/message.ts";

export interface PostBody {
  id: string;
  text: string;
  username: string;
  color: string;
  "message-type": "human";
  botParams?: { entity: string; priority?: number };
}

export interface Acknowledged {
  message: Message;
  /** How many attempts it took (1 = first try). */
  attempts: number;
  /** Why the earlier attempts failed (status code or error name). */
  failures: string[];
}

export interface RetryPolicy {
  firstDelayMs: number;
  maxDelayMs: number;
  /** Per-attempt timeout: a Worker that was SIGKILLed mid-request never answers. */
  attemptTimeoutMs: number;
  /** Gives up (throws) after this long: an outage that never ends must fail the run, not hang it. */
  giveUpAfterMs: number;
}

export const APP_RETRY: RetryPolicy = {
  firstDelayMs: 100,
  maxDelayMs: 2_000,
  attemptTimeoutMs: 10_000,
  giveUpAfterMs: 120_000,
};

export async function postUntilAcknowledged(
  origin: string,
  room: string,
  body: PostBody,
  policy: RetryPolicy = APP_RETRY,
): Promise<Acknowledged> {
  const failures: string[] = [];
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    let reason: string;
    try {
      const response = await fetch(`${origin}/api/comments?room=${encodeURIComponent(room)}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(policy.attemptTimeoutMs),
      });
      if (response.status === 201 || response.status === 200) {
        return { message: (await response.json()) as Message, attempts: attempt, failures };
      }
      const text = await response.text();
      if (response.status < 500 && response.status !== 429) {
        throw new PermanentPostError(`post ${body.id} → ${response.status}: ${text}`);
      }
      reason = String(response.status);
    } catch (error) {
      if (error instanceof PermanentPostError) throw error;
      reason = (error as Error).name === "TimeoutError" ? "timeout" : "network";
    }
    failures.push(reason);
    if (Date.now() - started > policy.giveUpAfterMs) {
      throw new Error(`post ${body.id} not acknowledged after ${attempt} attempts: ${failures.join(", ")}`);
    }
    const backoff = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (attempt - 1));
    await new Promise((r) => setTimeout(r, backoff / 2 + Math.random() * (backoff / 2)));
  }
}

class PermanentPostError extends Error {}
