/**
 * The Room's SQLite schema as an ordered list of migrations. Each runs once, in a transaction,
 * and is recorded in `schema_migrations`, so an object created by any earlier version upgrades
 * itself on first use.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE messages (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    ts INTEGER NOT NULL,
    client_ts REAL,
    text TEXT NOT NULL,
    username TEXT NOT NULL,
    color TEXT NOT NULL,
    domain TEXT NOT NULL,
    type TEXT NOT NULL,
    reply_to TEXT,
    context TEXT,
    entity TEXT,
    priority INTEGER,
    model TEXT,
    ais TEXT,
    status TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    claimed_by TEXT,
    lease_token TEXT,
    lease_expires_at INTEGER,
    error TEXT,
    processed INTEGER,
    reply_id TEXT,
    answered_token TEXT
  );
  CREATE INDEX messages_by_user ON messages (username, color, seq);
  CREATE INDEX messages_by_type ON messages (type, seq);
  CREATE INDEX messages_by_time ON messages (ts);
  CREATE INDEX queue_by_entity ON messages (entity, status, priority, seq) WHERE entity IS NOT NULL;
  CREATE INDEX queue_by_status ON messages (status, priority, seq) WHERE status IS NOT NULL;
  CREATE INDEX leases_by_expiry ON messages (lease_expires_at) WHERE status = 'processing';
  CREATE TABLE pollers (
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    last_polled_at INTEGER NOT NULL,
    PRIMARY KEY (kind, name)
  );
  CREATE TABLE counts (key TEXT PRIMARY KEY, n INTEGER NOT NULL);
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  `,
  // Lease sweeps run on every queue call: lead with status so the planner picks this index and
  // stops at the first unexpired lease instead of walking every processing row.
  `
  DROP INDEX leases_by_expiry;
  CREATE INDEX leases_by_expiry ON messages (status, lease_expires_at) WHERE status = 'processing';
  `,
  // Entity profiles (username, color) as the serving bot presents them, for the app's list (E5).
  `
  ALTER TABLE pollers ADD COLUMN username TEXT;
  ALTER TABLE pollers ADD COLUMN color TEXT;
  `,
  // O9 (moderation): tombstones on the message row, the in-place change log that polling
  // clients and the KV snapshot reader follow, removals kept for the grace-period undo, mutes
  // (in SQLite so an eviction keeps them), which address posted a recent anonymous message (so
  // an operator can mute "whoever posted this"; never on the wire, purged after a week) and the
  // audit trail.
  `
  ALTER TABLE messages ADD COLUMN removed_reason TEXT;
  ALTER TABLE messages ADD COLUMN removed_at INTEGER;
  CREATE TABLE changes (rev INTEGER PRIMARY KEY AUTOINCREMENT, message_id TEXT NOT NULL, seq INTEGER NOT NULL);
  CREATE TABLE removals (
    message_id TEXT PRIMARY KEY,
    original TEXT NOT NULL,
    removed_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX removals_by_expiry ON removals (expires_at);
  CREATE TABLE mutes (
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    until INTEGER NOT NULL,
    reason TEXT NOT NULL,
    operator TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (kind, target)
  );
  CREATE INDEX mutes_by_until ON mutes (until);
  CREATE TABLE post_addresses (seq INTEGER PRIMARY KEY, address TEXT NOT NULL, at INTEGER NOT NULL);
  CREATE INDEX post_addresses_by_time ON post_addresses (at);
  CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    operator TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    reason TEXT NOT NULL
  );
  `,
  // O5: the per-minute ring of the last 24 hours, one row per closed minute.
  `
  CREATE TABLE series (
    minute INTEGER PRIMARY KEY,
    messages INTEGER NOT NULL,
    replies INTEGER NOT NULL,
    failures INTEGER NOT NULL,
    queue_depth INTEGER NOT NULL,
    oldest_pending_ms INTEGER,
    kv_reads INTEGER NOT NULL,
    kv_writes INTEGER NOT NULL,
    rows_read INTEGER NOT NULL,
    rows_written INTEGER NOT NULL,
    latency_p50_ms INTEGER,
    latency_p95_ms INTEGER,
    latency_samples INTEGER NOT NULL
  );
  `,
  // H1: settled history moves to R2. One row per immutable segment (keyed by its last seq;
  // segments cover disjoint seq ranges), which users and types it holds (so filtered history
  // reads only the segments that can match), and a 53-bit hash of every archived id (so a
  // replayed POST is still a replay; a hash hit is confirmed against the segment).
  `
  CREATE TABLE archive_segments (
    last_seq INTEGER PRIMARY KEY,
    first_seq INTEGER NOT NULL,
    key TEXT NOT NULL,
    count INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    summary TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    corrupt TEXT
  );
  CREATE INDEX archive_segments_corrupt ON archive_segments (last_seq) WHERE corrupt IS NOT NULL;
  CREATE TABLE archive_segment_keys (
    key TEXT NOT NULL,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (key, last_seq)
  ) WITHOUT ROWID;
  CREATE TABLE archived_ids (
    hash INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (hash, seq)
  ) WITHOUT ROWID;
  `,
  // Fewer billed row writes per message (docs/COST.md): the legacy `after=<ms>` poll finds its
  // start by a binary search on seq instead of a time index; recent posts' client addresses
  // live in memory; `type:human` and the pending/processing counts are derived (room/counts.ts).
  `
  DROP INDEX messages_by_time;
  DROP TABLE post_addresses;
  DELETE FROM counts WHERE key = 'type:human' OR key LIKE 'q:%:pending' OR key LIKE 'q:%:processing';
  `,
  // Queue indexes hold only what is waiting (docs/COST.md): a claim leaves them with one delete
  // instead of rewriting two index entries, and a completed question is in none of them, so the
  // answered history no longer pays index writes. Failures keep their own small index for stats.
  `
  DROP INDEX queue_by_entity;
  DROP INDEX queue_by_status;
  CREATE INDEX queue_pending_by_entity ON messages (entity, priority, seq) WHERE status = 'pending';
  CREATE INDEX queue_pending ON messages (priority, seq) WHERE status = 'pending';
  CREATE INDEX queue_failed ON messages (seq) WHERE status = 'failed';
  `,
  // Removals of archived messages (issues #11/#14): the segment stays as written, and every read
  // of it puts the tombstone in place of the message; `tombstone` is that tombstone, so the change
  // log can answer it without reading R2. When the grace period ends the alarm rewrites the
  // segment with the tombstone in it and sets `purged_at`; the row stays (the change log needs it).
  `
  CREATE TABLE archived_removals (
    seq INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL,
    removed_at INTEGER NOT NULL,
    operator TEXT NOT NULL,
    reason TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    tombstone TEXT NOT NULL,
    purged_at INTEGER
  );
  CREATE INDEX archived_removals_due ON archived_removals (expires_at) WHERE purged_at IS NULL;
  `,
  // Entities as participants (E7 mentions, E8 scenes, E9 context scope). A message's first job stays
  // on its row (the queue columns above, plus its scene depth), so every row addressed before this
  // migration is already its own first job and nothing moves; further jobs of the same message (a
  // second or third entity it mentions) are rows of `jobs` with the same columns and the same
  // partial indexes. `jobs` on the message is the rendered list of all its jobs, written only for a
  // message that mentions an entity or has several jobs; `mentions`, `scene` and `read` are JSON.
  `
  ALTER TABLE messages ADD COLUMN depth INTEGER;
  ALTER TABLE messages ADD COLUMN mentions TEXT;
  ALTER TABLE messages ADD COLUMN jobs TEXT;
  ALTER TABLE messages ADD COLUMN scene TEXT;
  ALTER TABLE messages ADD COLUMN read TEXT;
  CREATE TABLE jobs (
    message_seq INTEGER NOT NULL,
    message_id TEXT NOT NULL,
    ord INTEGER NOT NULL,
    entity TEXT NOT NULL,
    ts INTEGER NOT NULL,
    priority INTEGER NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    claimed_by TEXT,
    lease_token TEXT,
    lease_expires_at INTEGER,
    error TEXT,
    reply_id TEXT,
    answered_token TEXT,
    depth INTEGER NOT NULL,
    PRIMARY KEY (message_seq, entity)
  ) WITHOUT ROWID;
  CREATE INDEX jobs_pending_by_entity ON jobs (entity, priority, message_seq) WHERE status = 'pending';
  CREATE INDEX jobs_pending ON jobs (priority, message_seq) WHERE status = 'pending';
  CREATE INDEX jobs_failed ON jobs (message_seq) WHERE status = 'failed';
  CREATE INDEX jobs_leases ON jobs (status, lease_expires_at) WHERE status = 'processing';
  `,
];

export const MIGRATIONS_TABLE = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    applied_at INTEGER NOT NULL
  )`;
