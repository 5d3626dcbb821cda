export type Level = "info" | "warn" | "error";
export type Fields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  info(event: string, message: string, fields?: Fields): void;
  warn(event: string, message: string, fields?: Fields): void;
  error(event: string, message: string, fields?: Fields): void;
}

export interface LoggerOptions {
  /** One JSON object per line (for machines) instead of a readable line. */
  json: boolean;
  write?: (line: string) => void;
  now?: () => number;
}

export function createLogger(options: LoggerOptions): Logger {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? Date.now;
  const emit = (level: Level, event: string, message: string, fields: Fields = {}) => {
    const time = new Date(now()).toISOString();
    const present = Object.entries(fields).filter(([, v]) => v !== undefined);
    if (options.json) {
      write(JSON.stringify({ time, level, event, msg: message, ...Object.fromEntries(present) }));
      return;
    }
    const pairs = present.map(([k, v]) => `${k}=${typeof v === "string" && /[\s"=]/.test(v) ? JSON.stringify(v) : v}`);
    write([time, level.toUpperCase().padEnd(5), `[${event}]`, message, ...pairs].join(" "));
  };
  return {
    info: (event, message, fields) => emit("info", event, message, fields),
    warn: (event, message, fields) => emit("warn", event, message, fields),
    error: (event, message, fields) => emit("error", event, message, fields),
  };
}

/**
 * How a job ended. `retry`: the bot failed it and the server queued it again (attempts counted);
 * `lost`: the lease was gone (expired and taken by another bot, or answered), so the work was dropped.
 */
export type Outcome = "replied" | "skipped" | "retry" | "failed" | "released" | "lost";

export interface JobRecord {
  entity: string;
  messageId: string;
  /** From the message's commit on the server to this bot's claim. */
  queueWaitMs: number;
  /** Time spent waiting for the LLM, retries and backoff included. */
  llmMs: number;
  promptTokens?: number;
  completionTokens?: number;
  outcome: Outcome;
  reason?: string;
}

/** One line per job: what a person scanning the console needs to see what happened to a message. */
export function logJob(log: Logger, job: JobRecord): void {
  const level = job.outcome === "replied" || job.outcome === "skipped" ? "info" : "warn";
  const tokens =
    job.promptTokens !== undefined || job.completionTokens !== undefined
      ? `${job.promptTokens ?? "?"}+${job.completionTokens ?? "?"}`
      : undefined;
  log[level]("job", job.outcome, {
    entity: job.entity,
    messageId: job.messageId,
    waitMs: Math.max(0, Math.round(job.queueWaitMs)),
    llmMs: Math.round(job.llmMs),
    tokens,
    outcome: job.outcome,
    reason: job.reason,
  });
}

export interface PeriodSummary {
  periodMs: number;
  jobs: number;
  byOutcome: Record<Outcome, number>;
  avgLlmMs: number | null;
  completionTokens: number;
}

/** Counts jobs between summaries; `take()` returns the period's numbers and starts a new period. */
export function createJobTally(now: () => number = Date.now) {
  let startedAt = now();
  let records: JobRecord[] = [];
  return {
    add(job: JobRecord): void {
      records.push(job);
    },
    take(): PeriodSummary {
      const byOutcome: Record<Outcome, number> = { replied: 0, skipped: 0, retry: 0, failed: 0, released: 0, lost: 0 };
      for (const r of records) byOutcome[r.outcome]++;
      const answered = records.filter((r) => r.outcome === "replied" || r.outcome === "skipped");
      const summary: PeriodSummary = {
        periodMs: now() - startedAt,
        jobs: records.length,
        byOutcome,
        avgLlmMs: answered.length ? Math.round(answered.reduce((s, r) => s + r.llmMs, 0) / answered.length) : null,
        completionTokens: records.reduce((s, r) => s + (r.completionTokens ?? 0), 0),
      };
      records = [];
      startedAt = now();
      return summary;
    },
  };
}
export type JobTally = ReturnType<typeof createJobTally>;
