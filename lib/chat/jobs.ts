import type { Job, Message, QueueChange, QueueStatus } from "../../types";

/**
 * E7: a message that addresses several entities has one queue job per entity (`message.jobs`);
 * `botParams` mirrors the first. These keep the jobs and that mirror in step as copies and live
 * queue changes arrive.
 */

export type JobState = "waiting" | "answering" | "answered" | "failed";

export function jobState(status: QueueStatus): JobState {
  switch (status) {
    case "pending":
      return "waiting";
    case "processing":
      return "answering";
    case "complete":
      return "answered";
    case "failed":
      return "failed";
  }
}

export interface JobView {
  entity: string;
  /** The entity's name as the message's mention resolved it, else its id. */
  name: string;
  state: JobState;
  error: string | null;
}

/** The per-entity states a marker shows; null when the message has fewer than two jobs (one marker says it all). */
export function jobViews(message: Pick<Message, "jobs" | "mentions">): JobView[] | null {
  if (!message.jobs || message.jobs.length < 2) return null;
  return message.jobs.map((job) => ({
    entity: job.entity,
    name: message.mentions?.find((m) => m.entity === job.entity)?.username ?? job.entity,
    state: jobState(job.status),
    error: job.error,
  }));
}

const TERMINAL: ReadonlySet<QueueStatus> = new Set(["complete", "failed"]);

/** Whether an entity still owes this message an answer (any of its jobs, or its only one). */
export function awaitsAnyJob(m: Message): boolean {
  if (m.jobs?.length) return m.jobs.some((j) => !TERMINAL.has(j.status));
  return m.botParams !== undefined && !TERMINAL.has(m.botParams.status);
}

/**
 * How far along its queue life a copy is, summed over its jobs: a copy from earlier never
 * replaces a later one (see mergeById).
 */
export function jobsRank(m: Message): number {
  const rank = (s: QueueStatus | undefined) => (s === "processing" ? 1 : s === "complete" || s === "failed" ? 2 : 0);
  if (m.jobs?.length) return m.jobs.reduce((n, j) => n + rank(j.status), 0);
  return rank(m.botParams?.status);
}

/**
 * One live queue change applied to a message. A change naming an entity moves that job (and the
 * `botParams` mirror when it is the first); one without moves the only job, as it always did.
 */
export function applyChange(m: Message, change: QueueChange): Message {
  if (!m.botParams) return m;
  const { status, attempts, error, leaseExpiresAt } = change;
  const jobs = m.jobs;
  if (!jobs?.length) {
    return { ...m, botParams: { ...m.botParams, status, attempts, error, leaseExpiresAt } };
  }
  const index =
    change.entity === undefined ? (jobs.length === 1 ? 0 : -1) : jobs.findIndex((j) => j.entity === change.entity);
  if (index < 0) return m;
  const nextJobs = jobs.map((j, i): Job => (i === index ? { ...j, status, attempts, error } : j));
  const settled = nextJobs.every((j) => TERMINAL.has(j.status));
  const botParams =
    index === 0
      ? { ...m.botParams, status, attempts, error, leaseExpiresAt, processed: settled }
      : { ...m.botParams, processed: settled };
  return { ...m, jobs: nextJobs, botParams };
}

/**
 * An entity's reply naming its message proves that entity's job complete before the next status
 * refresh. With several jobs, the reply's author tells which (by its mention's name or the id).
 */
export function completedByReply(parent: Message, reply: Message): Message {
  if (!parent.botParams) return parent;
  const jobs = parent.jobs;
  if (!jobs?.length) {
    if (TERMINAL.has(parent.botParams.status)) return parent;
    return { ...parent, botParams: { ...parent.botParams, status: "complete", error: null } };
  }
  const author = reply.username.toLowerCase();
  const index = jobs.findIndex((j) => {
    const name = parent.mentions?.find((m) => m.entity === j.entity)?.username;
    return j.entity.toLowerCase() === author || name?.toLowerCase() === author;
  });
  const job = index < 0 ? undefined : jobs[index];
  if (!job || TERMINAL.has(job.status)) return parent;
  const nextJobs = jobs.map(
    (j, i): Job => (i === index ? { ...j, status: "complete", error: null, replyId: reply.id } : j),
  );
  const settled = nextJobs.every((j) => TERMINAL.has(j.status));
  const botParams =
    index === 0
      ? { ...parent.botParams, status: "complete" as const, error: null, processed: settled }
      : { ...parent.botParams, processed: settled };
  return { ...parent, jobs: nextJobs, botParams };
}
