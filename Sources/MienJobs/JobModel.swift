import Foundation

/// A job's id: stable for the same submission key.
public typealias JobID = String
/// A video's id within the store.
public typealias VideoID = Int64
/// A shard's id within the store.
public typealias ShardID = Int64

/// What `JobStore.submit` inserts: a job, its videos and their shards.
public struct JobSubmission: Sendable, Hashable, Codable {
    /// Idempotency key: the same inputs and settings give the same key, and
    /// so the same job (a hash of the canonical inputs and settings).
    public var key: String
    /// The analysis settings, opaque to the store (JSON).
    public var settings: Data
    /// Attempts a shard gets before it is dead.
    public var maxAttempts: Int
    /// The videos, in input order.
    public var videos: [VideoSubmission]

    /// Creates a submission.
    public init(key: String, settings: Data, maxAttempts: Int = 3, videos: [VideoSubmission]) {
        self.key = key
        self.settings = settings
        self.maxAttempts = maxAttempts
        self.videos = videos
    }
}

/// One input of a job.
public struct VideoSubmission: Sendable, Hashable, Codable {
    /// The input path or URL, as the workers will open it.
    public var input: String
    /// The output name (`NAME.timeline.jsonl`).
    public var name: String
    /// What the coordinator knows of the input (probe figures, or why it
    /// failed), opaque to the store (JSON).
    public var info: Data
    /// The shards, in time order; empty for an input that already failed
    /// (then `failure` says why).
    public var shards: [Data]
    /// Why the input cannot be analysed (it could not be probed), or nil.
    public var failure: String?

    /// Creates a video submission.
    public init(input: String, name: String, info: Data, shards: [Data], failure: String? = nil) {
        self.input = input
        self.name = name
        self.info = info
        self.shards = shards
        self.failure = failure
    }
}

/// A shard leased to a worker: what to do, and the proof of the lease that
/// `complete`, `fail`, `heartbeat` and `release` check.
public struct ShardLease: Sendable, Hashable, Codable {
    /// The shard.
    public var shard: ShardID
    /// Its video.
    public var video: VideoID
    /// Its job.
    public var job: JobID
    /// Position of the shard in its video (0, 1, ...).
    public var index: Int
    /// The attempt this lease belongs to (1, 2, ...): the fencing token.
    public var attempt: Int
    /// The worker holding it.
    public var worker: String
    /// The shard's payload (opaque: the pipeline's shard description).
    public var payload: Data
    /// The video's input (path or URL), so a worker needs nothing else.
    public var input: String
    /// The job's settings (opaque JSON).
    public var settings: Data
    /// Lease length, seconds (heartbeats extend by this much).
    public var leaseSeconds: Double

    /// Creates a lease (stores do this when claiming).
    public init(shard: ShardID, video: VideoID, job: JobID, index: Int, attempt: Int, worker: String,
                payload: Data, input: String, settings: Data, leaseSeconds: Double) {
        self.shard = shard
        self.video = video
        self.job = job
        self.index = index
        self.attempt = attempt
        self.worker = worker
        self.payload = payload
        self.input = input
        self.settings = settings
        self.leaseSeconds = leaseSeconds
    }
}

/// A finished shard's result, for `collect`.
public struct ShardOutcome: Sendable, Hashable, Codable {
    /// Position in the video.
    public var index: Int
    /// The shard's payload as submitted.
    public var payload: Data
    /// The result the worker committed (opaque: the pipeline's shard result).
    public var result: Data

    /// Creates an outcome.
    public init(index: Int, payload: Data, result: Data) {
        self.index = index
        self.payload = payload
        self.result = result
    }
}

/// A job in a list.
public struct JobSummary: Sendable, Hashable, Codable {
    /// The job.
    public var id: JobID
    /// When it was submitted (the store's clock).
    public var created: Date
    /// Whether it was cancelled.
    public var cancelled: Bool
    /// How many videos it has.
    public var videos: Int
    /// How many shards, over all its videos.
    public var shards: Int
    /// How many shards are done.
    public var done: Int
    /// How many shards are dead (failed every attempt).
    public var dead: Int

    /// Creates a summary (stores do this).
    public init(id: JobID, created: Date, cancelled: Bool, videos: Int, shards: Int, done: Int, dead: Int) {
        self.id = id
        self.created = created
        self.cancelled = cancelled
        self.videos = videos
        self.shards = shards
        self.done = done
        self.dead = dead
    }
}

/// A video's state.
public enum VideoState: String, Sendable, Hashable, Codable {
    /// Shards remain to be done (or to die).
    case running
    /// Every shard is done: ready to collect.
    case done
    /// Every shard is done or dead, some of each: ready to collect as a
    /// partial timeline whose dead shards' times have no analysis.
    case partial
    /// The input could not be probed, or every shard is dead.
    case failed
}

/// A shard that is not done (`JobStore.unfinishedShards(of:)`): one that
/// failed every attempt, or one its cancelled job never finished; where it
/// was and why, for the partial timeline of its video.
public struct UnfinishedShard: Sendable, Hashable, Codable {
    /// Position in the video.
    public var index: Int
    /// The shard's payload as submitted.
    public var payload: Data
    /// Failed attempts.
    public var attempts: Int
    /// The last attempt's error, if it said one (an expired lease does not).
    public var lastError: String?
    /// True when it failed every attempt; false when it was still pending or
    /// running (in a cancelled job, which no worker takes shards of).
    public var dead: Bool

    /// Creates an unfinished shard's record (stores do this).
    public init(index: Int, payload: Data, attempts: Int, lastError: String?, dead: Bool = true) {
        self.index = index
        self.payload = payload
        self.attempts = attempts
        self.lastError = lastError
        self.dead = dead
    }
}

/// One job's progress.
public struct JobProgress: Sendable, Hashable, Codable {
    /// One video's progress.
    public struct Video: Sendable, Hashable, Codable {
        /// The video (for `JobStore.results(of:)`).
        public var id: VideoID
        /// Its input path or URL.
        public var input: String
        /// Its output name.
        public var name: String
        /// What the coordinator knew of it (opaque JSON).
        public var info: Data
        /// Running, done, partial or failed.
        public var state: VideoState
        /// How many shards it has.
        public var shards: Int
        /// How many are done.
        public var done: Int
        /// How many are leased now (expired leases included until the next claim sweeps them).
        public var leased: Int
        /// How many are dead.
        public var dead: Int
        /// Errors of failed attempts, latest first (at most a few), and the input's own failure.
        public var errors: [String]

        /// Creates a video's progress (stores do this).
        public init(id: VideoID, input: String, name: String, info: Data, state: VideoState, shards: Int, done: Int,
                    leased: Int, dead: Int, errors: [String]) {
            self.id = id
            self.input = input
            self.name = name
            self.info = info
            self.state = state
            self.shards = shards
            self.done = done
            self.leased = leased
            self.dead = dead
            self.errors = errors
        }
    }

    /// The job.
    public var job: JobID
    /// When it was submitted (the store's clock).
    public var created: Date
    /// Whether it was cancelled.
    public var cancelled: Bool
    /// Its settings (opaque JSON), as submitted.
    public var settings: Data
    /// Its videos, in input order.
    public var videos: [Video]
    /// Times of the job's completed shards, oldest first (for throughput and ETA).
    public var completions: [Date]

    /// Creates a job's progress (stores do this).
    public init(job: JobID, created: Date, cancelled: Bool, settings: Data, videos: [Video], completions: [Date]) {
        self.job = job
        self.created = created
        self.cancelled = cancelled
        self.settings = settings
        self.videos = videos
        self.completions = completions
    }
}
