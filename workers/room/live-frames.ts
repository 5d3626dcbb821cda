import type { Message, QueueChange, ServerFrame } from "../../types";

// The frames the live hub builds from stored messages, each holding only what a viewer renders.

/** One change per job of a message with several (each naming its entity), else the message's only one. */
export function queueChanges(m: Message): QueueChange[] {
  if (!m.jobs || m.jobs.length < 2) return [queueChange(m)];
  return m.jobs.map((job) => ({
    id: m.id,
    entity: job.entity,
    seq: m.seq,
    status: job.status,
    attempts: job.attempts,
    error: job.error,
    leaseExpiresAt: job.entity === m.botParams?.entity ? (m.botParams?.leaseExpiresAt ?? null) : null,
  }));
}

function queueChange(m: Message): QueueChange {
  const bp = m.botParams;
  return {
    id: m.id,
    seq: m.seq,
    status: bp?.status ?? "complete",
    attempts: bp?.attempts ?? 0,
    error: bp?.error ?? null,
    leaseExpiresAt: bp?.leaseExpiresAt ?? null,
  };
}

/**
 * A `messages` frame with nothing a viewer can work out for itself: `cursor` only when it is not
 * the last message's seq (a filtered socket's, or a catch-up's page that showed none), `hasMore`
 * only when true. Every viewer receives every broadcast, so each byte counts once per socket.
 */
export function messagesFrame(messages: Message[], cursor: number, hasMore: boolean): ServerFrame {
  return {
    type: "messages",
    messages,
    ...(messages.at(-1)?.seq === cursor ? {} : { cursor }),
    ...(hasMore ? { hasMore } : {}),
  };
}
