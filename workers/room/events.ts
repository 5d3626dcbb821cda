/**
 * What the room's domain steps report as they commit, for the per-minute series. Reported only
 * after the transaction commits (Db.afterCommit), so a rolled-back step is never counted.
 */
export interface RoomEvents {
  /** A message was stored. */
  stored(type: "human" | "AI"): void;
  /** An addressed message got its reply stored, now; `questionTs` is when it was posted. */
  answered(questionTs: number): void;
  /** An addressed message became `failed`. */
  failed(): void;
}

export const NO_EVENTS: RoomEvents = { stored() {}, answered() {}, failed() {} };
