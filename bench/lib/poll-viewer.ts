import type { Message } from "../../types/message.ts";

/**
 * A viewer that follows a room the way the app does without a socket: `GET /api/comments?cursor=N`
 * at the active pace (lib/chat/poll-schedule.ts POLL.activeMs), the next poll scheduled after the
 * previous one answered (SWR's refreshInterval semantics). Counts every request it makes.
 */
export class PollViewer {
  requests = 0;
  private cursor = 0;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;

  private readonly origin: string;
  private readonly room: string;
  private readonly intervalMs: number;
  private readonly onMessage: (message: Message, receivedAt: number) => void;

  constructor(
    origin: string,
    room: string,
    intervalMs: number,
    onMessage: (message: Message, receivedAt: number) => void,
  ) {
    this.origin = origin;
    this.room = room;
    this.intervalMs = intervalMs;
    this.onMessage = onMessage;
  }

  /** Starts after `offsetMs`, so a crowd of viewers does not poll in lockstep. */
  start(offsetMs: number): void {
    this.timer = setTimeout(() => void this.poll(), offsetMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async poll(): Promise<void> {
    if (this.stopped) return;
    this.requests++;
    try {
      const response = await fetch(`${this.origin}/api/comments?room=${this.room}&cursor=${this.cursor}`);
      if (response.ok) {
        const page = (await response.json()) as { comments: Message[]; cursor: number };
        const receivedAt = Date.now();
        for (const m of page.comments) if (m.seq > this.cursor) this.onMessage(m, receivedAt);
        this.cursor = Math.max(this.cursor, page.cursor);
      }
    } catch {
      // A failed poll is simply repeated at the next tick, as the app does.
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.poll(), this.intervalMs);
  }
}
