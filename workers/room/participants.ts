import {
  type Job,
  LIMITS,
  type Mention,
  type Message,
  type ReadRecord,
  SCENES,
  type ScenePause,
  type SceneSettings,
} from "../../types";
import { RoomError } from "../errors";
import type { Db } from "./db";
import type { JobRow, Jobs } from "./jobs";
import { findMentions, KnownEntities, type KnownEntity } from "./mentions";
import type { InsertFields, Messages } from "./messages";
import type { MessageRow } from "./rows";

const SETTINGS_KEY = "scene:settings";
const HOURLY_KEY = "scene:hourly";
const HOUR_MS = 3_600_000;

/** What a message addresses once the room has resolved it. */
export interface Addressing {
  /** Its first job, kept on the message row. */
  primary: { entity: string; priority: number; model: string | null; ais: string | null; depth: number } | null;
  /** Its further jobs (rows of `jobs`). */
  extra: { entity: string; priority: number; depth: number }[];
  mentions: Mention[];
  scene: NonNullable<Message["scene"]> | null;
  /** The jobs view (`Message.jobs`) to store, or null when the message shows none. */
  jobs: Job[] | null;
}

export interface StoreContext {
  botParams: { entity: string; priority: number; model: string | null; ais: string | null } | null;
  /** The job this message answers (an AI reply), whose chain it continues. */
  answers: JobRow | null;
  read: ReadRecord | null;
}

/**
 * Entities as participants: who a message addresses (E7) and how far entities may keep talking
 * to each other (E8). Everything is decided here, in the transaction that stores the message, so
 * a scene is bounded by what is committed: the depth budget of its chain, the room's hourly cap on
 * AI-triggered turns, and an entity never answering itself.
 *
 * Counting: a job's `depth` is the number of AI turns before it since the last human message in
 * its chain, so a human's jobs are depth 0 and the reply that settles a depth-d job is AI turn
 * d + 1. A reply may create jobs of depth d + 1 only while d + 1 < turnBudget: with a budget of 4,
 * exactly 4 AI replies follow a human message along any chain (depths 0, 1, 2, 3), and the reply at
 * depth 3 shows `scene.paused: "turn_budget"` if it mentions anyone. A budget of 0 turns scenes off:
 * the entities a person addresses still answer, but no AI reply addresses anyone.
 */
export class Participants {
  readonly known = new KnownEntities();
  private settings: SceneSettings;
  private hourly: { hour: number; n: number };

  constructor(
    private readonly db: Db,
    private readonly messages: Messages,
    private readonly jobs: Jobs,
  ) {
    const stored = db.one<{ value: string }>("SELECT value FROM meta WHERE key = ?", SETTINGS_KEY)?.value;
    this.settings = stored
      ? (JSON.parse(stored) as SceneSettings)
      : { turnBudget: SCENES.turnBudgetDefault, hourlyCap: SCENES.hourlyCapDefault };
    const hourly = db.one<{ value: string }>("SELECT value FROM meta WHERE key = ?", HOURLY_KEY)?.value;
    this.hourly = hourly ? (JSON.parse(hourly) as { hour: number; n: number }) : { hour: 0, n: 0 };
  }

  /** Entities seen polling (id, and the profile a bot reported), kept in memory for resolving. */
  learn(entities: readonly KnownEntity[]): void {
    for (const entity of entities) this.known.learn(entity);
  }

  sceneSettings(): SceneSettings {
    return { ...this.settings };
  }

  setSceneSettings(settings: SceneSettings): SceneSettings {
    this.db.run(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      SETTINGS_KEY,
      JSON.stringify(settings),
    );
    this.settings = { ...settings };
    return this.sceneSettings();
  }

  /** AI-triggered turns started in the current clock hour (the cap's window). */
  turnsThisHour(now: number): number {
    return this.hourly.hour === Math.floor(now / HOUR_MS) ? this.hourly.n : 0;
  }

  /** Stores a message with everything it addresses: its row, its further jobs, its mentions and scene. */
  store(fields: Omit<InsertFields, "bot" | "participation">, ctx: StoreContext): MessageRow {
    const addressing = this.address(fields.text, fields.type, ctx, fields.now);
    const row = this.messages.insert({
      ...fields,
      bot: addressing.primary,
      participation: {
        depth: addressing.primary?.depth ?? null,
        mentions: addressing.mentions.length ? JSON.stringify(addressing.mentions) : null,
        jobs: addressing.jobs ? JSON.stringify(addressing.jobs) : null,
        scene: addressing.scene ? JSON.stringify(addressing.scene) : null,
        read: ctx.read ? JSON.stringify(ctx.read) : null,
      },
    });
    this.jobs.addExtra(row, addressing.extra);
    return row;
  }

  /**
   * Which open job of `parent` an AI post with `replyTo` answers (the legacy post-then-complete
   * flow): the one of the entity it names in `botParams`, or whose name it posts under, or the
   * only open one. A message whose jobs are all answered is 409 already_answered.
   */
  jobAnsweredBy(parent: MessageRow, poster: { entity?: string; username: string }): JobRow {
    if (parent.removed_at !== null) {
      throw new RoomError("conflict", `message "${parent.id}" was removed by a moderator; it takes no reply`);
    }
    const jobs = this.jobs.of(parent);
    const open = jobs.filter((j) => j.status !== "complete" && j.reply_id === null);
    const named = (j: JobRow) => {
      if (poster.entity !== undefined) return j.entity === poster.entity;
      const known = this.known.byId(j.entity);
      const name = poster.username.toLowerCase();
      return j.entity.toLowerCase() === name || known?.username?.toLowerCase() === name;
    };
    const job = open.find(named) ?? (open.length === 1 ? open[0] : undefined);
    if (job) return job;
    if (open.length === 0) throw new RoomError("already_answered", `message "${parent.id}" has already been answered`);
    throw new RoomError(
      "conflict",
      `message "${parent.id}" waits for several entities (${open.map((j) => j.entity).join(", ")}): post with botParams.entity to say which one answers`,
    );
  }

  /** Settles the job an AI post answered, and the parent's jobs view with it. */
  answered(parent: MessageRow, job: JobRow, replyId: string): void {
    this.jobs.answer(job, replyId, null);
    if (parent.jobs !== null) this.jobs.refreshView(parent.seq);
  }

  private address(text: string, type: "human" | "AI", ctx: StoreContext, now: number): Addressing {
    const mentioned = findMentions(text, this.known);
    const answers = type === "AI" ? ctx.answers : null;
    // An entity never answers itself: its own name in its reply addresses nobody.
    const author = answers?.entity ?? null;
    const candidates: string[] = [];
    if (ctx.botParams && ctx.botParams.entity !== author) candidates.push(ctx.botParams.entity);
    for (const entity of mentioned) {
      if (entity.id !== author && !candidates.includes(entity.id)) candidates.push(entity.id);
    }
    const wanted = candidates.slice(0, SCENES.maxAddressed);
    let addressed: string[];
    let paused: ScenePause | undefined;
    let depth = 0;
    if (type === "human") addressed = wanted;
    else if (!answers) {
      // An AI message that answers no job continues no chain: its mentions address nobody (else a
      // bot posting without replyTo could restart the budget forever). botParams works as it always did.
      addressed = ctx.botParams ? [ctx.botParams.entity] : [];
    } else {
      depth = answers.depth + 1;
      paused = wanted.length ? this.refusal(depth, wanted.length, now) : undefined;
      addressed = paused ? [] : wanted;
    }
    const priority = ctx.botParams?.priority ?? LIMITS.priorityDefault;
    const [first, ...rest] = addressed;
    const primary =
      first === undefined
        ? null
        : {
            entity: first,
            priority,
            model: ctx.botParams?.entity === first ? ctx.botParams.model : null,
            ais: ctx.botParams?.entity === first ? ctx.botParams.ais : null,
            depth,
          };
    const extra = rest.map((entity) => ({ entity, priority, depth }));
    const mentions: Mention[] = mentioned.map((e) => ({
      entity: e.id,
      username: e.username ?? e.id,
      ...(e.color ? { color: e.color } : {}),
      addressed: addressed.includes(e.id),
    }));
    const showJobs = addressed.length > 1 || (addressed.length === 1 && mentions.some((m) => m.addressed));
    const jobs = showJobs
      ? addressed.map((entity) => ({ entity, status: "pending" as const, attempts: 0, error: null, depth }))
      : null;
    // A reply's scene is shown once it is part of one: it mentions someone, or it is past the first turn.
    const scene =
      answers && (mentioned.length > 0 || answers.depth > 0)
        ? { depth: answers.depth, ...(paused ? { paused } : {}) }
        : null;
    return { primary, extra, mentions, scene, jobs };
  }

  /** Why a reply at this depth may not address `turns` more entities, or undefined (and counts them). */
  private refusal(depth: number, turns: number, now: number): ScenePause | undefined {
    if (this.settings.turnBudget === 0) return "scenes_off";
    if (depth >= this.settings.turnBudget) return "turn_budget";
    const used = this.turnsThisHour(now);
    if (used + turns > this.settings.hourlyCap) return "hourly_cap";
    const next = { hour: Math.floor(now / HOUR_MS), n: used + turns };
    this.db.run(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      HOURLY_KEY,
      JSON.stringify(next),
    );
    this.db.afterCommit(() => {
      this.hourly = next;
    });
    return undefined;
  }
}
