import type { Message, ReadRecord } from "../types/message.ts";
import { type Lease, PROGRESS } from "../types/queue.ts";
import { type ApiClient, leaseLost, transient } from "./api-client.ts";
import { type BackoffPolicy, backoffDelay, sleep } from "./backoff.ts";
import type { Entity } from "./config/entities.ts";
import { type Identity, replyIdentity } from "./identity.ts";
import { keepLeaseAlive } from "./lease-keeper.ts";
import { classifyLlmError } from "./llm.ts";
import { type JobRecord, type JobTally, type Logger, logJob, type Outcome } from "./log.ts";
import type { OutageGate } from "./outage.ts";
import { type DraftView, draftView, postprocess, THINKING } from "./postprocess.ts";
import { createProgressReporter } from "./progress-reporter.ts";
import { type ChatTurn, promptAndRead, scopedPrompt } from "./prompt.ts";
import type { ChatRequest, ChatResult, OnText, Responder } from "./responder.ts";
import { readOutput } from "./thinking.ts";

export interface JobContext {
  api: ApiClient;
  responder: Responder;
  outage: OutageGate;
  log: Logger;
  tally: JobTally;
  leaseSeconds: number;
  outageReleaseMs: number;
  backoff: BackoffPolicy;
  /** Aborts when the bot is shutting down: a job waiting out an LLM outage gives its message back. */
  stopping: AbortSignal;
  /** Aborts when jobs must end now (grace period over, or a second signal): they give their messages back. */
  abortAll: AbortSignal;
  now?: () => number;
}

export interface ClaimedJob {
  message: Message;
  lease: Lease;
  entity: Entity;
  claimedAt: number;
}

/** What the LLM phase ended with. */
type Generated =
  | ({ kind: "text" } & ChatResult)
  | { kind: "rejected"; reason: string }
  | { kind: "give-back"; reason: string }
  | { kind: "lost" };

/** The API bounds the reason a message shows when it fails. */
const REASON_MAX = 500;

/**
 * One claimed message, start to end: keep its lease alive, build the prompt, ask the LLM (riding
 * out outages), then complete, fail or release it. Never throws; returns how it ended.
 */
export async function runJob(job: ClaimedJob, ctx: JobContext): Promise<Outcome> {
  const now = ctx.now ?? Date.now;
  const { message, entity } = job;
  const leaseToken = job.lease.token;
  const keeper = keepLeaseAlive(
    ctx.api,
    { messageId: message.id, leaseToken, leaseSeconds: ctx.leaseSeconds },
    ctx.log,
  );
  const record: JobRecord = {
    entity: entity.id,
    messageId: message.id,
    queueWaitMs: job.claimedAt - message.timestamp,
    llmMs: 0,
    outcome: "lost",
  };
  const end = (outcome: Outcome, reason?: string): Outcome => {
    record.outcome = outcome;
    record.reason = reason;
    logJob(ctx.log, record);
    ctx.tally.add({ ...record });
    return outcome;
  };
  // The lease is gone when a heartbeat or a progress call is refused: either way, drop the work.
  const progressLost = new AbortController();
  const lost = AbortSignal.any([keeper.lost, progressLost.signal]);
  const retrying = <T>(call: () => Promise<T>) => withApiRetries(call, ctx, lost);
  let stopProgress = () => {};

  try {
    const speaker = replyIdentity(entity, message.botParams?.ais, message);
    const prompt = await retrying(() => buildJobPrompt(ctx.api, message, speaker, entity));
    const request: ChatRequest = {
      model: message.botParams?.model ?? entity.model,
      messages: prompt.messages,
      temperature: entity.temperature,
      maxTokens: entity.maxTokens,
      topP: entity.topP,
      thinking: entity.thinking,
    };

    // Everyone watching sees the reply grow, with the identity and post-processing it will have;
    // while the model thinks, they see that it thinks (never what), and once it writes, never
    // "thinking" again over its text.
    let writing = false;
    const progress = createProgressReporter<DraftView>({
      send: (view) =>
        ctx.api.progress({
          messageId: message.id,
          leaseToken,
          ...(typeof view === "string" ? { text: view } : { text: "", phase: "thinking" as const }),
          username: speaker.username,
          color: speaker.color,
          leaseSeconds: ctx.leaseSeconds,
        }),
      shown: (raw, reasoned) => {
        const view = draftView(raw, reasoned, entity);
        if (view === THINKING) return writing ? null : view;
        writing ||= view !== null;
        return view;
      },
      onLost: (reason) => progressLost.abort(new Error(reason)),
      intervalMs: PROGRESS.botIntervalMs,
      gapAfterAnswerMs: PROGRESS.minIntervalMs,
      log: ctx.log,
    });
    const llmStartedAt = now();
    stopProgress = progress.stop;
    const generated = await generate(request, ctx, lost, progress.update);
    progress.stop();
    record.llmMs = now() - llmStartedAt;

    switch (generated.kind) {
      case "lost":
        return end("lost", "the lease was lost while the LLM worked; another worker has the message");
      case "give-back":
        await retrying(() => ctx.api.release({ messageId: message.id, leaseToken }));
        return end("released", generated.reason);
      case "rejected":
        return end(...(await failJob(ctx, message.id, leaseToken, generated.reason, retrying)));
      case "text": {
        // A progress refused while the last tokens arrived: the message is someone else's now.
        if (lost.aborted) {
          return end("lost", `${(lost.reason as Error)?.message ?? "lease lost"} (this worker's result was discarded)`);
        }
        record.promptTokens = generated.promptTokens;
        record.completionTokens = generated.completionTokens;
        const output = readOutput(generated.text);
        const cutShort = generated.finishReason === "length";
        const processed = postprocess(output.answer, entity, undefined, cutShort && !output.thinking);
        if (processed.kind === "empty" && cutShort) {
          // Retrying cannot help: the same budget runs out the same way. The operator can act on it.
          const budget = request.maxTokens === undefined ? "its token budget" : `its ${request.maxTokens}-token budget`;
          const reason = `${entity.username}'s model spent ${budget} thinking and wrote no answer: raise maxTokens or lower thinking in the entity's config`;
          return end(...(await failJob(ctx, message.id, leaseToken, reason, retrying, false)));
        }
        if (processed.kind === "empty") {
          const reason = `${entity.username}'s model returned an empty reply`;
          return end(...(await failJob(ctx, message.id, leaseToken, reason, retrying)));
        }
        const reply =
          processed.kind === "reply"
            ? { text: processed.text, username: speaker.username, color: speaker.color }
            : undefined;
        // What the entity read is shown with its reply (E9).
        await retrying(() =>
          ctx.api.complete({ messageId: message.id, leaseToken, reply, ...(reply ? { read: prompt.read } : {}) }),
        );
        return end(processed.kind === "reply" ? "replied" : "skipped");
      }
    }
  } catch (error) {
    if (leaseLost(error)) {
      return end("lost", `${error.message} (this worker's result was discarded)`);
    }
    // The API stayed unreachable: hand the message back if we can; otherwise its lease expires.
    const released = await ctx.api.release({ messageId: message.id, leaseToken }).then(
      () => true,
      () => false,
    );
    const reason = (error as Error).message;
    return end(released ? "released" : "lost", released ? reason : `${reason}; the lease will expire`);
  } finally {
    stopProgress();
    keeper.stop();
  }
}

/**
 * Asks the LLM until it answers, the lease is lost, or the job has to give its message back. An
 * outage (refused, reset, timeout, 429, 5xx) keeps the job and its lease: nothing is wrong with the
 * message, so no attempt should be spent on it. Only an outage longer than `outageReleaseMs`, or
 * shutting down during one, hands the message back.
 */
async function generate(request: ChatRequest, ctx: JobContext, lost: AbortSignal, onText: OnText): Promise<Generated> {
  const now = ctx.now ?? Date.now;
  let outageStartedAt: number | null = null;
  for (let attempt = 0; ; attempt++) {
    if (lost.aborted) return { kind: "lost" };
    if (ctx.abortAll.aborted) return { kind: "give-back", reason: "the bot is stopping; released unfinished" };
    if (outageStartedAt !== null && ctx.stopping.aborted) {
      return { kind: "give-back", reason: "the bot is stopping during an LLM outage" };
    }
    const signal = AbortSignal.any([lost, ctx.abortAll]);
    try {
      const result = await ctx.responder.chat(request, signal, onText);
      ctx.outage.reportHealthy();
      return { kind: "text", ...result };
    } catch (error) {
      // Cancelled by us: the checks at the top of the loop say why and end the job.
      if (signal.aborted) continue;
      const failure = classifyLlmError(error);
      if (failure.kind === "rejected") {
        ctx.outage.reportHealthy();
        return { kind: "rejected", reason: `the LLM server rejected the request: ${failure.message}` };
      }
      ctx.outage.reportOutage(failure.message);
      outageStartedAt ??= now();
      const elapsed = now() - outageStartedAt;
      if (elapsed >= ctx.outageReleaseMs) {
        return {
          kind: "give-back",
          reason: `LLM server unavailable for ${Math.round(elapsed / 1000)} s: ${failure.message}`,
        };
      }
      const wait = Math.min(backoffDelay(attempt, ctx.backoff), ctx.outageReleaseMs - elapsed);
      await sleep(wait, AbortSignal.any([lost, ctx.stopping, ctx.abortAll]));
    }
  }
}

/**
 * The prompt from the history the entity's `scope` names (E9). `conversation` is what it always
 * was: the context the client sent, or the asker's and the speaker's messages; `thread` and `room`
 * ask the room (GET /api/queue/context), which is what a turn another entity triggered needs.
 */
async function buildJobPrompt(
  api: ApiClient,
  message: Message,
  speaker: Identity,
  entity: Entity,
): Promise<{ messages: ChatTurn[]; read: ReadRecord }> {
  if (entity.scope !== "conversation") {
    const history = await api.context(message.id, entity.scope, entity.contextMessages, entity.id);
    return scopedPrompt({
      systemPrompt: entity.systemPrompt,
      contextMessages: entity.contextMessages,
      scope: entity.scope,
      speaker,
      message,
      history,
    });
  }
  const history = message.context ? [] : await fetchHistory(api, message, speaker, entity);
  return promptAndRead({
    systemPrompt: entity.systemPrompt,
    contextMessages: entity.contextMessages,
    message,
    entityId: entity.id,
    speaker,
    history,
  });
}

async function fetchHistory(api: ApiClient, message: Message, speaker: Identity, entity: Entity): Promise<Message[]> {
  const earlier = entity.contextMessages - 1;
  if (earlier <= 0) return [];
  const asker = { username: message.username, color: message.color };
  return api.conversation([asker, speaker], message.seq, earlier);
}

/**
 * Fails the message with a reason the person sees; the server counts the attempt and, when
 * `retryable`, may queue it again.
 */
async function failJob(
  ctx: JobContext,
  messageId: string,
  leaseToken: string,
  reason: string,
  retrying: <T>(call: () => Promise<T>) => Promise<T>,
  retryable = true,
): Promise<[Outcome, string]> {
  const error =
    Array.from(reason).length > REASON_MAX
      ? `${Array.from(reason)
          .slice(0, REASON_MAX - 1)
          .join("")}…`
      : reason;
  const result = await retrying(() => ctx.api.fail({ messageId, leaseToken, error, retryable }));
  return [result.status === "failed" ? "failed" : "retry", `${reason} (attempt ${result.attempts})`];
}

/**
 * Retries an API call that did not reach the server or hit a server error, while the lease lasts.
 * Answers such as lease_lost or invalid_input are final and thrown at once.
 */
async function withApiRetries<T>(call: () => Promise<T>, ctx: JobContext, lost: AbortSignal): Promise<T> {
  const attempts = 6;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!transient(error) || attempt + 1 >= attempts || lost.aborted) throw error;
      ctx.log.warn("api", `${(error as Error).message}; retrying`);
      await sleep(backoffDelay(attempt, ctx.backoff), AbortSignal.any([lost, ctx.abortAll]));
    }
  }
}
