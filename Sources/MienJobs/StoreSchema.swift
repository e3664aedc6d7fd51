/// The job stores' schema: one logical schema, written in each store's SQL.
///
/// Tables (SQLite type / PostgreSQL type where they differ):
/// - `schema_migrations(version, applied)`: one row per applied migration. A
///   store whose highest version is above `StoreSchema.version` was upgraded
///   by a newer program and is refused (`JobStoreError.schemaTooNew`).
/// - `jobs(id, key UNIQUE, settings, max_attempts, created, cancelled)`: `id`
///   is `JobSubmission.jobID`, derived from `key`.
/// - `videos(id, job, position, input, name, info, failure)`: `failure` is set
///   for an input that could not be probed (it then has no shards).
/// - `shards(id, video, job, position, payload, state, attempts, available_at,
///   lease_worker, lease_attempt, lease_expires, last_error, completed_at)`:
///   `state` is `pending`, `leased`, `done` or `dead`; `attempts` counts
///   failed attempts (failures and expired leases, not releases);
///   `lease_attempt` is the fencing token, `attempts + 1` when claimed.
/// - `results(shard PK, attempt, data)`: written in the transaction that
///   marks the shard done.
/// - `attempts(id, shard, attempt, worker, started, ended, outcome, error)`:
///   the history, one row per lease; `outcome` is `done`, `failed`,
///   `expired` or `released` once it ended.
///
/// Times are REAL seconds since 1970 in SQLite (the store process's clock)
/// and `timestamptz` in PostgreSQL (the server's clock). Ids are SQLite's
/// `INTEGER PRIMARY KEY AUTOINCREMENT` and PostgreSQL identity columns: both
/// grow with submission, so "oldest shard" is "smallest id". The index on
/// `shards(state, id)` serves both the claim (first pending by id) and the
/// sweep of expired leases (the few leased shards).
enum StoreSchema {
    /// The newest schema version this program knows.
    static let version = 1

    /// SQLite migrations: element `i` brings the schema from version `i` to `i + 1`.
    static let sqlite: [[String]] = [
        [
            """
            CREATE TABLE jobs (
                id TEXT PRIMARY KEY NOT NULL,
                key TEXT NOT NULL UNIQUE,
                settings BLOB NOT NULL,
                max_attempts INTEGER NOT NULL,
                created REAL NOT NULL,
                cancelled INTEGER NOT NULL DEFAULT 0)
            """,
            """
            CREATE TABLE videos (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                job TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                input TEXT NOT NULL,
                name TEXT NOT NULL,
                info BLOB NOT NULL,
                failure TEXT,
                UNIQUE (job, position))
            """,
            """
            CREATE TABLE shards (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                video INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
                job TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                payload BLOB NOT NULL,
                state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'leased', 'done', 'dead')),
                attempts INTEGER NOT NULL DEFAULT 0,
                available_at REAL NOT NULL,
                lease_worker TEXT,
                lease_attempt INTEGER,
                lease_expires REAL,
                last_error TEXT,
                completed_at REAL,
                UNIQUE (video, position))
            """,
            "CREATE INDEX shards_by_state ON shards (state, id)",
            "CREATE INDEX shards_by_job ON shards (job, state)",
            """
            CREATE TABLE results (
                shard INTEGER PRIMARY KEY REFERENCES shards(id) ON DELETE CASCADE,
                attempt INTEGER NOT NULL,
                data BLOB NOT NULL)
            """,
            """
            CREATE TABLE attempts (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                shard INTEGER NOT NULL REFERENCES shards(id) ON DELETE CASCADE,
                attempt INTEGER NOT NULL,
                worker TEXT NOT NULL,
                started REAL NOT NULL,
                ended REAL,
                outcome TEXT,
                error TEXT)
            """,
            "CREATE INDEX attempts_by_shard ON attempts (shard, attempt)",
        ],
    ]

    /// PostgreSQL migrations: element `i` brings the schema from version `i` to `i + 1`.
    static let postgres: [[String]] = [
        [
            """
            CREATE TABLE jobs (
                id TEXT PRIMARY KEY,
                key TEXT NOT NULL UNIQUE,
                settings BYTEA NOT NULL,
                max_attempts BIGINT NOT NULL,
                created TIMESTAMPTZ NOT NULL DEFAULT now(),
                cancelled BOOLEAN NOT NULL DEFAULT false)
            """,
            """
            CREATE TABLE videos (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                job TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
                position BIGINT NOT NULL,
                input TEXT NOT NULL,
                name TEXT NOT NULL,
                info BYTEA NOT NULL,
                failure TEXT,
                UNIQUE (job, position))
            """,
            """
            CREATE TABLE shards (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                video BIGINT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
                job TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
                position BIGINT NOT NULL,
                payload BYTEA NOT NULL,
                state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'leased', 'done', 'dead')),
                attempts BIGINT NOT NULL DEFAULT 0,
                available_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                lease_worker TEXT,
                lease_attempt BIGINT,
                lease_expires TIMESTAMPTZ,
                last_error TEXT,
                completed_at TIMESTAMPTZ,
                UNIQUE (video, position))
            """,
            "CREATE INDEX shards_by_state ON shards (state, id)",
            "CREATE INDEX shards_by_job ON shards (job, state)",
            """
            CREATE TABLE results (
                shard BIGINT PRIMARY KEY REFERENCES shards(id) ON DELETE CASCADE,
                attempt BIGINT NOT NULL,
                data BYTEA NOT NULL)
            """,
            """
            CREATE TABLE attempts (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                shard BIGINT NOT NULL REFERENCES shards(id) ON DELETE CASCADE,
                attempt BIGINT NOT NULL,
                worker TEXT NOT NULL,
                started TIMESTAMPTZ NOT NULL,
                ended TIMESTAMPTZ,
                outcome TEXT,
                error TEXT)
            """,
            "CREATE INDEX attempts_by_shard ON attempts (shard, attempt)",
        ],
    ]

    /// The error for a store at `found`, newer than this program.
    static func tooNew(_ store: String, found: Int) -> JobStoreError {
        JobStoreError(.schemaTooNew, "job store \(store) has schema version \(found), newer than this program's "
                      + "\(version): use a newer mien")
    }
}

extension JobProgress.Video {
    /// A video's state from its counts: failed when its input failed; running
    /// while shards remain that are neither done nor dead (the others still
    /// count when one dies: hours of a long recording are not thrown away for
    /// one bad minute); then done, partial (some dead) or failed (all dead).
    static func state(failure: String?, shards: Int, done: Int, dead: Int) -> VideoState {
        if failure != nil { return .failed }
        if done + dead < shards { return .running }
        if dead == 0 { return .done }
        return done == 0 ? .failed : .partial
    }
}

/// How many attempt errors `JobStore.status(of:)` reports per video.
let errorsPerVideo = 5
