import type { UnitOfWork } from "../../unit-of-work";
import type { Archive } from "../archive";
import type { Audit } from "../audit";
import type { Changes } from "../changes";
import type { RoomClock } from "../clock";
import type { Db } from "../db";
import type { Drafts } from "../drafts";
import type { History } from "../history";
import type { LegacyFlow } from "../legacy";
import type { LiveHub } from "../live";
import type { LongPollDeps } from "../long-poll";
import type { Messages } from "../messages";
import type { Mutes } from "../mutes";
import type { Participants } from "../participants";
import type { Pollers } from "../pollers";
import type { PostAddresses } from "../post-addresses";
import type { Queue } from "../queue";
import type { RateBuckets } from "../rate-buckets";
import type { Removals } from "../removals";
import type { StorageTotals } from "../stats";
import type { AfterEffects } from "./after-effects";

/**
 * The Room's parts, wired once by its constructor (workers/room.ts) and shared by the front
 * doors (workers/room/front/*.ts), which hold the bodies of the methods the Worker calls.
 */
export interface RoomParts {
  db: Db;
  messages: Messages;
  queue: Queue;
  participants: Participants;
  pollers: Pollers;
  legacy: LegacyFlow;
  changes: Changes;
  removals: Removals;
  mutes: Mutes;
  audit: Audit;
  postAddresses: PostAddresses;
  archive: Archive;
  history: History;
  rateBuckets: RateBuckets;
  storage: StorageTotals;
  live: LiveHub;
  drafts: Drafts;
  clock: RoomClock;
  /** Long-polls park here until a change wakes them or their time is up. */
  polling: LongPollDeps;
  work: UnitOfWork;
  effects: AfterEffects;
  /** Something visible changed that moves no queue entry: the snapshot needs rewriting. */
  changed: () => void;
}
