import Foundation
import GRDB

/// The worker's side: claim, heartbeat, complete, fail, release.
///
/// Fencing: every call on a lease updates the shard only
/// `WHERE id = ? AND state = 'leased' AND lease_attempt = ? AND lease_worker = ?
/// AND lease_expires > now`; when no row matches, the lease was lost (expired,
/// swept, re-leased, or the job retried) and the call returns false having
/// changed nothing.
extension SQLiteJobStore {
    /// The fencing condition, with its four arguments from `fenceArguments`.
    static let fence = "id = ? AND state = 'leased' AND lease_attempt = ? AND lease_worker = ? AND lease_expires > ?"

    static func fenceArguments(_ lease: ShardLease, now: Double) -> StatementArguments {
        [lease.shard, lease.attempt, lease.worker, now]
    }

    /// First sweeps expired leases (each counts as a failed attempt, and
    /// dead-letters its shard when that was the last), then leases the
    /// pending shard with the smallest id whose backoff is over and whose job
    /// is not cancelled (and is `job`, when given), all in one immediate transaction.
    /// - Throws: `JobStoreError.queryFailed`.
    public func claim(worker: String, lease: Double, job: JobID?) async throws -> ShardLease? {
        try await transaction { db in
            let now = Self.now()
            try Self.sweepExpiredLeases(db, now: now)
            guard let row = try Row.fetchOne(db, sql: """
                SELECT s.id, s.video, s.job, s.position, s.payload, s.attempts, v.input, j.settings
                FROM shards s JOIN jobs j ON j.id = s.job JOIN videos v ON v.id = s.video
                WHERE s.state = 'pending' AND s.available_at <= ? AND j.cancelled = 0 AND (? IS NULL OR s.job = ?)
                ORDER BY s.id LIMIT 1
                """, arguments: [now, job, job]) else { return nil }
            let shard: ShardID = row["id"]
            let attempt: Int = row["attempts"] + 1
            try db.execute(sql: """
                UPDATE shards SET state = 'leased', lease_worker = ?, lease_attempt = ?, lease_expires = ? WHERE id = ?
                """, arguments: [worker, attempt, now + lease, shard])
            try db.execute(sql: "INSERT INTO attempts (shard, attempt, worker, started) VALUES (?, ?, ?, ?)",
                           arguments: [shard, attempt, worker, now])
            return ShardLease(shard: shard, video: row["video"], job: row["job"], index: row["position"],
                              attempt: attempt, worker: worker, payload: row["payload"], input: row["input"],
                              settings: row["settings"], leaseSeconds: lease)
        }
    }

    /// Turns every lease that expired before `now` into a failed attempt:
    /// pending again at once, or dead when it had no attempts left.
    static func sweepExpiredLeases(_ db: Database, now: Double) throws {
        let expired = try Row.fetchAll(db, sql: """
            SELECT id, lease_worker, lease_attempt FROM shards WHERE state = 'leased' AND lease_expires < ?
            """, arguments: [now])
        for row in expired {
            let worker: String = row["lease_worker"]
            let error = "lease expired (worker \(worker))"
            try db.execute(sql: """
                UPDATE shards SET attempts = attempts + 1,
                    state = CASE WHEN attempts + 1 >= (SELECT max_attempts FROM jobs WHERE jobs.id = shards.job)
                                 THEN 'dead' ELSE 'pending' END,
                    available_at = ?, lease_expires = NULL, last_error = ?
                WHERE id = ?
                """, arguments: [now, error, row["id"]])
            try endAttempt(db, shard: row["id"], attempt: row["lease_attempt"], worker: worker, now: now,
                           outcome: "expired", error: error)
        }
    }

    /// Closes the history row of a lease.
    static func endAttempt(_ db: Database, shard: ShardID, attempt: Int, worker: String, now: Double,
                           outcome: String, error: String?) throws {
        try db.execute(sql: """
            UPDATE attempts SET ended = ?, outcome = ?, error = ?
            WHERE shard = ? AND attempt = ? AND worker = ? AND ended IS NULL
            """, arguments: [now, outcome, error, shard, attempt, worker])
    }

    /// Moves the lease's expiry to now + its length, if the attempt still holds it.
    /// - Throws: `JobStoreError.queryFailed`.
    public func heartbeat(_ lease: ShardLease) async throws -> Bool {
        try await transaction { db in
            let now = Self.now()
            try db.execute(sql: "UPDATE shards SET lease_expires = ? WHERE \(Self.fence)",
                           arguments: [now + lease.leaseSeconds] + Self.fenceArguments(lease, now: now))
            return db.changesCount == 1
        }
    }

    /// Marks the shard done and stores `result` with the attempt's history, in
    /// one transaction, if the attempt still holds the lease.
    /// - Throws: `JobStoreError.queryFailed`.
    public func complete(_ lease: ShardLease, result: Data) async throws -> Bool {
        try await transaction { db in
            let now = Self.now()
            try db.execute(sql: "UPDATE shards SET state = 'done', completed_at = ?, lease_expires = NULL WHERE \(Self.fence)",
                           arguments: [now] + Self.fenceArguments(lease, now: now))
            guard db.changesCount == 1 else { return false }
            try db.execute(sql: "INSERT OR REPLACE INTO results (shard, attempt, data) VALUES (?, ?, ?)",
                           arguments: [lease.shard, lease.attempt, result])
            try Self.endAttempt(db, shard: lease.shard, attempt: lease.attempt, worker: lease.worker, now: now,
                                outcome: "done", error: nil)
            return true
        }
    }

    /// Counts a failed attempt: pending again after `retryAfter` seconds, or
    /// dead once `attempts` reaches the job's `max_attempts`; `error` is kept
    /// as the shard's last error and in the history.
    /// - Throws: `JobStoreError.queryFailed`.
    public func fail(_ lease: ShardLease, error: String, retryAfter: Double) async throws -> Bool {
        try await transaction { db in
            let now = Self.now()
            try db.execute(sql: """
                UPDATE shards SET attempts = attempts + 1,
                    state = CASE WHEN attempts + 1 >= (SELECT max_attempts FROM jobs WHERE jobs.id = shards.job)
                                 THEN 'dead' ELSE 'pending' END,
                    available_at = ?, lease_expires = NULL, last_error = ?
                WHERE \(Self.fence)
                """, arguments: [now + max(0, retryAfter), error] + Self.fenceArguments(lease, now: now))
            guard db.changesCount == 1 else { return false }
            try Self.endAttempt(db, shard: lease.shard, attempt: lease.attempt, worker: lease.worker, now: now,
                                outcome: "failed", error: error)
            return true
        }
    }

    /// Makes the shard pending again at once without counting the attempt.
    /// - Throws: `JobStoreError.queryFailed`.
    public func release(_ lease: ShardLease) async throws -> Bool {
        try await transaction { db in
            let now = Self.now()
            try db.execute(sql: "UPDATE shards SET state = 'pending', available_at = ?, lease_expires = NULL WHERE \(Self.fence)",
                           arguments: [now] + Self.fenceArguments(lease, now: now))
            guard db.changesCount == 1 else { return false }
            try Self.endAttempt(db, shard: lease.shard, attempt: lease.attempt, worker: lease.worker, now: now,
                                outcome: "released", error: nil)
            return true
        }
    }
}
