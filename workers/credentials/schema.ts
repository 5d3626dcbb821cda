/**
 * The Credentials object's SQLite schema (O7), an ordered list of migrations like the
 * Room's. Only hashes are stored: a leaked database names tokens but cannot be used to speak.
 */
export const CREDENTIALS_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE bot_tokens (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    entities TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  );
  CREATE UNIQUE INDEX bot_tokens_live_name ON bot_tokens (name) WHERE revoked_at IS NULL;
  `,
];
