import type { Message, MessageInput } from "../../types";
import { ApiError } from "../client/core";
import * as z from "../shared/decode";
import { messageInputSchema } from "../shared/wire";
import { newMessageId, optimisticMessage } from "./outgoing";

/** A message the page shows before (or instead of) the server having it (C4). */
export interface LocalSend {
  input: MessageInput;
  message: Message;
  /** `retrying`: the network or the server failed; it goes again by itself, same id. */
  state: "sending" | "retrying" | "failed";
  error?: string;
  /** When it was first tried: an outage longer than RETRY.giveUpAfterMs shows failed. */
  firstTriedAt: number;
  attempts: number;
  /** The server refused it (a 4xx): it would be refused again, so it is not kept for a reload. */
  refused?: boolean;
  /** The server holds another message under this id (409 `conflict`): Retry sends it with a new id. */
  conflicted?: boolean;
}

/** What a send refused for its id says; the server's text speaks of ids, which the person never sees. */
export const CONFLICT_ERROR = "Not sent: its id was already taken by another message. Retry sends it again as new.";

export const RETRY = {
  firstDelayMs: 1_000,
  maxDelayMs: 15_000,
  /** A send still failing for network/5xx reasons after this long shows failed, with Retry. */
  giveUpAfterMs: 120_000,
} as const;

/** The pause before retry `attempt` (1-based): doubling, capped, with jitter; a server's Retry-After wins. */
export function retryDelay(attempt: number, retryAfterSeconds: number | null, random: () => number): number {
  const base = Math.min(RETRY.maxDelayMs, RETRY.firstDelayMs * 2 ** Math.max(0, attempt - 1));
  const jittered = base / 2 + random() * (base / 2);
  return Math.max(jittered, (retryAfterSeconds ?? 0) * 1000);
}

/** Where unsent messages wait across reloads (localStorage in the page; a Map in tests). */
export interface OutboxStore {
  load(): unknown;
  save(entries: { input: MessageInput; firstTriedAt: number }[]): void;
}

export interface OutboxOptions {
  post: (input: MessageInput) => Promise<Message>;
  /** The server stored it (a 201, or a 200 replay): the feed takes the stored copy. */
  onStored: (message: Message) => void;
  store: OutboxStore;
  now: () => number;
  schedule: (fn: () => void, ms: number) => void;
  random?: () => number;
  /** A fresh client id, for a send whose id the server says is taken (default newMessageId). */
  newId?: () => string;
}

const savedSchema = z.array(z.object({ input: messageInputSchema, firstTriedAt: z.number() }));

/**
 * My unsent messages: each is posted with its client id until the server acknowledges it. A
 * network failure, a 5xx or a 429 is retried by itself (same id, so never a duplicate) with
 * backoff; a 4xx, or an outage longer than RETRY.giveUpAfterMs, shows failed with Retry. Every
 * unacknowledged message is kept in the store, so a reload sends it again instead of losing it.
 */
export class Outbox {
  private sends: LocalSend[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(private readonly options: OutboxOptions) {}

  get entries(): readonly LocalSend[] {
    return this.sends;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Sends again whatever an earlier page left unacknowledged (same ids: replays are harmless). */
  resumeSaved(): void {
    const saved = savedSchema.safeParse(this.options.store.load());
    if (!saved.success) return;
    for (const { input, firstTriedAt } of saved.data) {
      if (!input.id || this.sends.some((s) => s.input.id === input.id)) continue;
      this.add(input, firstTriedAt);
    }
  }

  send(input: MessageInput): void {
    this.add(input, this.options.now());
  }

  /**
   * The person pressed Retry: a fresh outage allowance, the same id — unless the server said the
   * id belongs to another message (409 `conflict`). The same id would be refused forever, so that
   * send goes again under a new id, with the same text, as a new message.
   */
  retry(id: string): void {
    const local = this.sends.find((s) => s.input.id === id);
    if (local?.state !== "failed") return;
    const sendAs = local.conflicted ? (this.options.newId ?? newMessageId)() : id;
    const input = { ...local.input, id: sendAs };
    this.sends = this.sends.map((s) =>
      s === local
        ? {
            input,
            message: { ...s.message, id: sendAs },
            state: "sending",
            firstTriedAt: this.options.now(),
            attempts: 0,
          }
        : s,
    );
    this.persist();
    this.emit();
    this.attempt(sendAs);
  }

  private add(input: MessageInput, firstTriedAt: number): void {
    const message = optimisticMessage(input, this.options.now());
    this.sends = [...this.sends, { input, message, state: "sending", firstTriedAt, attempts: 0 }];
    this.persist();
    this.emit();
    this.attempt(input.id ?? "");
  }

  private attempt(id: string): void {
    const local = this.sends.find((s) => s.input.id === id);
    if (!local) return;
    this.update(id, { attempts: local.attempts + 1 });
    this.options.post(local.input).then(
      (stored) => {
        this.sends = this.sends.filter((s) => s.input.id !== id);
        this.persist();
        this.options.onStored(stored);
        this.emit();
      },
      (error: unknown) => this.failed(id, error),
    );
  }

  private failed(id: string, error: unknown): void {
    const local = this.sends.find((s) => s.input.id === id);
    if (!local) return;
    const apiError = error instanceof ApiError ? error : null;
    const reason = apiError?.message ?? "Could not send";
    const transient = apiError ? apiError.retryable : true;
    const outage = this.options.now() - local.firstTriedAt;
    if (transient && outage < RETRY.giveUpAfterMs) {
      this.update(id, { state: "retrying", error: reason });
      const delay = retryDelay(local.attempts, apiError?.retryAfter ?? null, this.options.random ?? Math.random);
      this.options.schedule(() => this.attempt(id), delay);
      return;
    }
    const conflicted = apiError?.code === "conflict";
    this.update(id, {
      state: "failed",
      error: conflicted ? CONFLICT_ERROR : reason,
      refused: !transient,
      ...(conflicted ? { conflicted } : {}),
    });
    this.persist();
  }

  private update(id: string, patch: Partial<LocalSend>): void {
    this.sends = this.sends.map((s) => (s.input.id === id ? { ...s, ...patch } : s));
    this.emit();
  }

  private persist(): void {
    const keep = this.sends.filter((s) => !s.refused);
    this.options.store.save(keep.map((s) => ({ input: s.input, firstTriedAt: s.firstTriedAt })));
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}

/** The page's store: one localStorage key per room; unavailable storage keeps nothing. */
export function localOutboxStore(room: string): OutboxStore {
  const key = `sww:outbox:${room}`;
  return {
    load: () => {
      try {
        return JSON.parse(localStorage.getItem(key) ?? "[]");
      } catch {
        return [];
      }
    },
    save: (entries) => {
      try {
        if (entries.length === 0) localStorage.removeItem(key);
        else localStorage.setItem(key, JSON.stringify(entries));
      } catch {
        // Private mode or a full quota: the send still goes, it just would not survive a reload.
      }
    },
  };
}
