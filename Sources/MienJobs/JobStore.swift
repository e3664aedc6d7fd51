import Foundation

/// Where jobs, videos, shards, leases and results live: the one protocol the
/// coordinator (`mien submit`, `status`, `collect`, `retry`, `cancel`) and the
/// workers (`mien worker`) talk to. Implementations: `SQLiteJobStore`
/// (`sqlite:PATH`, the embedded default) and `PostgresJobStore`
/// (`postgres://...`, for clusters). Both pass the same conformance suite.
///
/// The store knows nothing of video: settings, probe figures, shard ranges and
/// results are opaque payloads (`Data`, JSON written by the pipeline), so the
/// queue is tested without FFmpeg or BLAS.
///
/// Guarantees every implementation keeps:
/// - **Claiming** hands each pending shard to one worker at a time
///   (`FOR UPDATE SKIP LOCKED`, or SQLite's write lock), stamping the worker,
///   a new attempt number and a lease that expires unless renewed.
/// - **Fencing**: `complete` commits a shard's result and marks it done in one
///   transaction, only while that attempt still holds an unexpired lease; a
///   worker that lost its lease (stalled, partitioned) is refused.
/// - **Retries**: a failed or expired attempt makes the shard pending again
///   after a backoff; after `maxAttempts` attempts it is dead with its last
///   error, and the other shards and videos go on (its video ends `partial`,
///   or `failed` when every shard died).
/// - Times come from the store's own clock (the database server's for
///   PostgreSQL), so workers on other machines need no synchronised clocks.
/// - An expired lease counts as a failed attempt (error "lease expired
///   (worker W)"); the next `claim` sweeps it, so the shard goes pending at
///   once, or dead if that was its last attempt. `release` does not count.
///
/// Errors: every method throws `JobStoreError`: `.unavailable` when the
/// store cannot be reached, `.timedOut` when it does not answer within the
/// store's bound on a call (PostgreSQL's `callTimeout`: a silent server or
/// network), `.queryFailed` when the database refuses a statement,
/// `.unknownJob` / `.unknownVideo` for ids it does not hold. After
/// `.timedOut` the call's effect is unknown; fencing keeps that safe: a
/// commit either took effect while its lease held or not at all, and one
/// that reaches the server after the lease expired is refused.
public protocol JobStore: Sendable {
    /// Creates or upgrades the schema (versioned migrations); safe to call from many processes.
    /// - Throws: `JobStoreError.schemaTooNew` when a newer program has upgraded the store.
    func migrate() async throws

    /// Lets go of connections and background tasks. The store must not be used afterwards.
    func close() async

    // MARK: Coordinator

    /// Inserts a job with its videos and shards, or returns the existing job
    /// with the same `submission.key` (submitting twice is harmless).
    /// - Returns: the job's id and whether it was created now.
    func submit(_ submission: JobSubmission) async throws -> (id: JobID, created: Bool)

    /// Every job, newest first.
    func jobs() async throws -> [JobSummary]

    /// One job's progress, per video.
    func status(of job: JobID) async throws -> JobProgress

    /// A video's finished shard results, in shard order; nil until every shard is done.
    func results(of video: VideoID) async throws -> [ShardOutcome]?

    /// One shard's result (`index`: its position in the video), or nil while
    /// it is not done. Collecting reads a long video's shards one at a time
    /// with this, so its memory is that of one shard, not of the video.
    func result(of video: VideoID, index: Int) async throws -> ShardOutcome?

    /// The video's shards that are not done, in shard order: its dead ones,
    /// and in a cancelled job those left pending or running. What `collect`
    /// marks as not analysed in a partial timeline.
    func unfinishedShards(of video: VideoID) async throws -> [UnfinishedShard]

    /// Makes the job's dead shards pending again with a fresh attempt budget;
    /// their videos go back to running. Returns how many shards were revived.
    func retryDead(in job: JobID) async throws -> Int

    /// Cancels a job: pending shards are not handed out any more, leased ones
    /// may finish but their results are ignored by `collect`.
    func cancel(_ job: JobID) async throws

    // MARK: Workers

    /// Leases the next runnable shard (pending and past its backoff, or leased
    /// with an expired lease) to `worker` for `lease` seconds; nil when none is runnable.
    /// - Parameter job: only a shard of this job (`mien worker --job`; the
    ///   workers of `mien analyze`, which must not take up an earlier run's
    ///   shards left in the same store); nil for any job's.
    func claim(worker: String, lease: Double, job: JobID?) async throws -> ShardLease?

    /// Extends a lease by its length; false when the attempt no longer holds it.
    func heartbeat(_ lease: ShardLease) async throws -> Bool

    /// Stores the result and marks the shard done, atomically, only if the
    /// attempt still holds an unexpired lease. False (and nothing stored) otherwise.
    func complete(_ lease: ShardLease, result: Data) async throws -> Bool

    /// Records a failed attempt: the shard becomes pending after `retryAfter`
    /// seconds, or dead once it has used its attempts (with `error`, which
    /// `unfinishedShards(of:)` gives). False when the attempt no longer held the lease.
    func fail(_ lease: ShardLease, error: String, retryAfter: Double) async throws -> Bool

    /// Gives a shard back without counting the attempt (a worker asked to
    /// stop before it finished). False when the attempt no longer held the lease.
    func release(_ lease: ShardLease) async throws -> Bool
}

extension JobStore {
    /// Leases the next runnable shard of any job (`claim(worker:lease:job:)` with no job).
    public func claim(worker: String, lease: Double) async throws -> ShardLease? {
        try await claim(worker: worker, lease: lease, job: nil)
    }
}
