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
  // Issue #11: settled history moves to R2. One row per immutable segment (keyed by its last seq;
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
];

export const MIGRATIONS_TABLE = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    applied_at INTEGER NOT NULL
  )`;
