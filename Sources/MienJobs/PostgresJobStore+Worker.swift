import Foundation
import PostgresNIO

/// The worker's side: claim, heartbeat, complete, fail, release.
///
/// Fencing: a call on a lease changes the shard only `WHERE id AND state =
/// 'leased' AND lease_attempt AND lease_worker AND lease_expires > now()`;
/// the rest of the statement (result, history) hangs off that update's
/// `RETURNING`, so nothing is written when the fence fails.
extension PostgresJobStore {
    /// Sweeps expired leases (each a failed attempt; dead when it was the
    /// last), then leases the pending shard with the smallest id whose backoff
    /// is over and whose job is not cancelled (and is `job`, when given),
    /// skipping rows other claimers hold locked.
    /// - Throws: `JobStoreError.timedOut`, `.unavailable` or `.queryFailed`.
    public func claim(worker: String, lease: Double, job: JobID?) async throws -> ShardLease? {
        let found = try await bounded("claim") { [self] connection, logger in
            try await connection.run(sweepExpiredLeases, logger: logger)
            return try await connection.query("""
            WITH picked AS (
                SELECT s.id FROM shards s JOIN jobs j ON j.id = s.job
                WHERE s.state = 'pending' AND s.available_at <= now() AND NOT j.cancelled
                    AND (\(job)::text IS NULL OR s.job = \(job))
                ORDER BY s.id LIMIT 1
                FOR UPDATE OF s SKIP LOCKED
            ), leased AS (
                UPDATE shards s SET state = 'leased', lease_worker = \(worker), lease_attempt = s.attempts + 1,
                    lease_expires = now() + \(lease) * interval '1 second'
                FROM picked WHERE s.id = picked.id
                RETURNING s.id, s.video, s.job, s.position, s.payload, s.lease_attempt
            ), history AS (
                INSERT INTO attempts (shard, attempt, worker, started)
                SELECT id, lease_attempt, \(worker), now() FROM leased
            )
            SELECT l.id, l.video, l.job, l.position, l.payload, l.lease_attempt, v.input, j.settings
            FROM leased l JOIN videos v ON v.id = l.video JOIN jobs j ON j.id = l.job
            """, logger: logger).collect()
        }
        guard let row = found.first else { return nil }
        let (shard, video, job, position, payload, attempt, input, settings) =
            try row.decode((Int64, Int64, String, Int, Data, Int, String, Data).self)
        return ShardLease(shard: shard, video: video, job: job, index: position, attempt: attempt, worker: worker,
                          payload: payload, input: input, settings: settings, leaseSeconds: lease)
    }

    /// Turns every lease that expired before `now()` into a failed attempt:
    /// pending again at once, or dead when it had no attempts left. Rows
    /// another claimer is sweeping (locked) are skipped.
    var sweepExpiredLeases: PostgresQuery {
        """
            WITH expired AS (
                SELECT id FROM shards WHERE state = 'leased' AND lease_expires < now()
                FOR UPDATE SKIP LOCKED
            ), swept AS (
                UPDATE shards s SET attempts = s.attempts + 1,
                    state = CASE WHEN s.attempts + 1 >= j.max_attempts THEN 'dead' ELSE 'pending' END,
                    available_at = now(), lease_expires = NULL,
                    last_error = 'lease expired (worker ' || s.lease_worker || ')'
                FROM expired e, jobs j WHERE s.id = e.id AND j.id = s.job
                RETURNING s.id, s.lease_attempt, s.lease_worker, s.last_error
            )
            UPDATE attempts a SET ended = now(), outcome = 'expired', error = swept.last_error
            FROM swept
            WHERE a.shard = swept.id AND a.attempt = swept.lease_attempt AND a.worker = swept.lease_worker
                AND a.ended IS NULL
            """
    }

    /// Moves the lease's expiry to now() + its length, if the attempt still holds it.
    /// - Throws: `JobStoreError.timedOut`, `.unavailable` or `.queryFailed`.
    public func heartbeat(_ lease: ShardLease) async throws -> Bool {
        try await !rows("heartbeat of \(lease.described)", """
            UPDATE shards SET lease_expires = now() + \(lease.leaseSeconds) * interval '1 second'
            WHERE id = \(lease.shard) AND state = 'leased' AND lease_attempt = \(lease.attempt)
                AND lease_worker = \(lease.worker) AND lease_expires > now()
            RETURNING id
            """).isEmpty
    }

    /// Marks the shard done, stores `result` and closes the history row in one
    /// statement, if the attempt still holds the lease. The fence is checked by
    /// the server when the statement runs, so a commit that reaches it late
    /// (after a silent network came back) is refused like any other.
    /// - Throws: `JobStoreError.timedOut` (the commit may or may not have
    ///   been applied), `.unavailable` or `.queryFailed`.
    public func complete(_ lease: ShardLease, result: Data) async throws -> Bool {
        try await rows("commit of \(lease.described)", """
            WITH changed AS (
                UPDATE shards SET state = 'done', completed_at = now(), lease_expires = NULL
                WHERE id = \(lease.shard) AND state = 'leased' AND lease_attempt = \(lease.attempt)
                    AND lease_worker = \(lease.worker) AND lease_expires > now()
                RETURNING id
            ), kept AS (
                INSERT INTO results (shard, attempt, data) SELECT id, \(lease.attempt), \(result) FROM changed
                ON CONFLICT (shard) DO UPDATE SET attempt = EXCLUDED.attempt, data = EXCLUDED.data
            ), history AS (
                UPDATE attempts a SET ended = now(), outcome = 'done', error = NULL
                FROM changed WHERE a.shard = changed.id AND a.attempt = \(lease.attempt) AND a.worker = \(lease.worker)
                    AND a.ended IS NULL
            )
            SELECT id FROM changed
            """).count == 1
    }

    /// Counts a failed attempt: pending again after `retryAfter` seconds, or
    /// dead once `attempts` reaches the job's `max_attempts`.
    /// - Throws: `JobStoreError.timedOut`, `.unavailable` or `.queryFailed`.
    public func fail(_ lease: ShardLease, error: String, retryAfter: Double) async throws -> Bool {
        try await rows("failure report of \(lease.described)", """
            WITH changed AS (
                UPDATE shards s SET attempts = s.attempts + 1,
                    state = CASE WHEN s.attempts + 1 >= j.max_attempts THEN 'dead' ELSE 'pending' END,
                    available_at = now() + \(max(0, retryAfter)) * interval '1 second', lease_expires = NULL,
                    last_error = \(error)
                FROM jobs j
                WHERE j.id = s.job AND s.id = \(lease.shard) AND s.state = 'leased'
                    AND s.lease_attempt = \(lease.attempt) AND s.lease_worker = \(lease.worker)
                    AND s.lease_expires > now()
                RETURNING s.id
            ), history AS (
                UPDATE attempts a SET ended = now(), outcome = 'failed', error = \(error)
                FROM changed
                WHERE a.shard = changed.id AND a.attempt = \(lease.attempt) AND a.worker = \(lease.worker)
                    AND a.ended IS NULL
            )
            SELECT id FROM changed
            """).count == 1
    }

    /// Makes the shard pending again at once without counting the attempt.
    /// - Throws: `JobStoreError.timedOut`, `.unavailable` or `.queryFailed`.
    public func release(_ lease: ShardLease) async throws -> Bool {
        try await rows("release of \(lease.described)", """
            WITH changed AS (
                UPDATE shards SET state = 'pending', available_at = now(), lease_expires = NULL
                WHERE id = \(lease.shard) AND state = 'leased' AND lease_attempt = \(lease.attempt)
                    AND lease_worker = \(lease.worker) AND lease_expires > now()
                RETURNING id
            ), history AS (
                UPDATE attempts a SET ended = now(), outcome = 'released'
                FROM changed WHERE a.shard = changed.id AND a.attempt = \(lease.attempt) AND a.worker = \(lease.worker)
                    AND a.ended IS NULL
            )
            SELECT id FROM changed
            """).count == 1
    }
}

extension ShardLease {
    /// "shard 2 of /in/a.mp4 (attempt 1)", for messages.
    var described: String { "shard \(index) of \(input) (attempt \(attempt))" }
}
