import Foundation
import PostgresNIO

/// The coordinator's side: submit, list, status, results, retry, cancel.
extension PostgresJobStore {
    /// Inserts the job, its videos and shards in one transaction, unless a
    /// job with the same key (so the same id) exists. Two submits of one key
    /// at once are safe: the second waits on the first's key and then finds it.
    /// - Throws: `JobStoreError.timedOut`, `.unavailable` or `.queryFailed` (also when another key has the same id).
    public func submit(_ submission: JobSubmission) async throws -> (id: JobID, created: Bool) {
        let id = submission.jobID
        let name = location.description
        return try await transaction("submit") { connection, logger in
            let inserted = try await connection.query("""
                INSERT INTO jobs (id, key, settings, max_attempts, created, cancelled)
                VALUES (\(id), \(submission.key), \(submission.settings), \(max(1, submission.maxAttempts)), now(), false)
                ON CONFLICT DO NOTHING RETURNING id
                """, logger: logger).collect()
            if inserted.isEmpty {
                for try await key in try await connection.query("SELECT key FROM jobs WHERE id = \(id)", logger: logger)
                    .decode(String.self) where key != submission.key {
                    throw idCollision(id, store: name)
                }
                return (id, false)
            }
            for (position, video) in submission.videos.enumerated() {
                var videoID: Int64 = 0
                for try await value in try await connection.query("""
                    INSERT INTO videos (job, position, input, name, info, failure)
                    VALUES (\(id), \(position), \(video.input), \(video.name), \(video.info), \(video.failure))
                    RETURNING id
                    """, logger: logger).decode(Int64.self) {
                    videoID = value
                }
                guard !video.shards.isEmpty else { continue }
                // All of a video's shards in one statement: position is the payload's ordinal - 1.
                let payloads = video.shards.map { ByteBuffer(bytes: $0) }
                try await connection.run("""
                    INSERT INTO shards (video, job, position, payload, state, attempts, available_at)
                    SELECT \(videoID), \(id), p.ordinal - 1, p.payload, 'pending', 0, now()
                    FROM unnest(\(payloads)::bytea[]) WITH ORDINALITY AS p(payload, ordinal)
                    """, logger: logger)
            }
            return (id, true)
        }
    }

    /// Every job with its counts, newest first.
    /// - Throws: `JobStoreError.timedOut`, `.unavailable` or `.queryFailed`.
    public func jobs() async throws -> [JobSummary] {
        try await rows("jobs", """
            SELECT j.id, j.created, j.cancelled,
                (SELECT COUNT(*) FROM videos v WHERE v.job = j.id),
                (SELECT COUNT(*) FROM shards s WHERE s.job = j.id),
                (SELECT COUNT(*) FROM shards s WHERE s.job = j.id AND s.state = 'done'),
                (SELECT COUNT(*) FROM shards s WHERE s.job = j.id AND s.state = 'dead')
            FROM jobs j ORDER BY j.created DESC, j.id
            """).map { row in
            let (id, created, cancelled, videos, shards, done, dead) =
                try row.decode((String, Date, Bool, Int, Int, Int, Int).self)
            return JobSummary(id: id, created: created, cancelled: cancelled, videos: videos, shards: shards,
                              done: done, dead: dead)
        }
    }

    /// One job's progress, from one snapshot (a repeatable-read transaction).
    /// - Throws: `JobStoreError.unknownJob`, `.timedOut`, `.unavailable` or `.queryFailed`.
    public func status(of job: JobID) async throws -> JobProgress {
        let name = location.description
        return try await transaction("status of job \(job)") { connection, logger in
            try await connection.run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            var jobRow: (Date, Bool, Data)?
            for try await row in try await connection.query(
                "SELECT created, cancelled, settings FROM jobs WHERE id = \(job)", logger: logger)
                .decode((Date, Bool, Data).self) {
                jobRow = row
            }
            guard let (created, cancelled, settings) = jobRow else { throw unknownJob(job, store: name) }
            var counts: [VideoID: [String: Int]] = [:]
            for try await (video, state, n) in try await connection.query(
                "SELECT video, state, COUNT(*) FROM shards WHERE job = \(job) GROUP BY video, state", logger: logger)
                .decode((Int64, String, Int).self) {
                counts[video, default: [:]][state] = n
            }
            var errors: [VideoID: [String]] = [:]
            for try await (video, error) in try await connection.query("""
                SELECT s.video, a.error FROM attempts a JOIN shards s ON s.id = a.shard
                WHERE s.job = \(job) AND a.error IS NOT NULL ORDER BY a.ended DESC, a.id DESC
                """, logger: logger).decode((Int64, String).self) where errors[video, default: []].count < errorsPerVideo {
                errors[video, default: []].append(error)
            }
            var videos: [JobProgress.Video] = []
            for try await (id, input, videoName, info, failure) in try await connection.query(
                "SELECT id, input, name, info, failure FROM videos WHERE job = \(job) ORDER BY position", logger: logger)
                .decode((Int64, String, String, Data, String?).self) {
                videos.append(JobProgress.Video(id: id, input: input, name: videoName, info: info,
                                                counts: counts[id] ?? [:], failure: failure, errors: errors[id] ?? []))
            }
            var completions: [Date] = []
            for try await time in try await connection.query("""
                SELECT completed_at FROM shards WHERE job = \(job) AND state = 'done' ORDER BY completed_at
                """, logger: logger).decode(Date.self) {
                completions.append(time)
            }
            return JobProgress(job: job, created: created, cancelled: cancelled, settings: settings, videos: videos,
                               completions: completions)
        }
    }

    /// The video's results in shard order once every shard is done; nil
    /// while any is not, or when its input failed.
    /// - Throws: `JobStoreError.unknownVideo`, `.timedOut`, `.unavailable` or `.queryFailed`.
    public func results(of video: VideoID) async throws -> [ShardOutcome]? {
        let name = location.description
        return try await transaction("results of video \(video)") { connection, logger in
            try await connection.run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            var found: (String?, Int)?
            for try await row in try await connection.query("""
                SELECT v.failure, (SELECT COUNT(*) FROM shards s WHERE s.video = v.id AND s.state <> 'done')
                FROM videos v WHERE v.id = \(video)
                """, logger: logger).decode((String?, Int).self) {
                found = row
            }
            guard let (failure, unfinished) = found else {
                throw JobStoreError(.unknownVideo, "job store \(name) has no video \(video)")
            }
            guard failure == nil, unfinished == 0 else { return nil }
            var outcomes: [ShardOutcome] = []
            for try await (position, payload, data) in try await connection.query("""
                SELECT s.position, s.payload, r.data FROM shards s JOIN results r ON r.shard = s.id
                WHERE s.video = \(video) ORDER BY s.position
                """, logger: logger).decode((Int, Data, Data).self) {
                outcomes.append(ShardOutcome(index: position, payload: payload, result: data))
            }
            return outcomes
        }
    }

    /// Makes the job's dead shards pending with no attempts used.
    /// - Throws: `JobStoreError.unknownJob`, `.timedOut`, `.unavailable` or `.queryFailed`.
    public func retryDead(in job: JobID) async throws -> Int {
        let counts = try await rows("retry of job \(job)", """
            WITH job AS (SELECT id FROM jobs WHERE id = \(job)),
            revived AS (
                UPDATE shards s SET state = 'pending', attempts = 0, available_at = now(), lease_expires = NULL
                FROM job WHERE s.job = job.id AND s.state = 'dead'
                RETURNING s.id
            )
            SELECT (SELECT COUNT(*) FROM job), (SELECT COUNT(*) FROM revived)
            """)
        let (jobs, revived) = try counts[0].decode((Int, Int).self)
        guard jobs == 1 else { throw unknownJob(job, store: location.description) }
        return revived
    }

    /// Marks the job cancelled: its shards are no longer claimed.
    /// - Throws: `JobStoreError.unknownJob`, `.timedOut`, `.unavailable` or `.queryFailed`.
    public func cancel(_ job: JobID) async throws {
        guard try await !rows("cancel of job \(job)", "UPDATE jobs SET cancelled = true WHERE id = \(job) RETURNING id").isEmpty else {
            throw unknownJob(job, store: location.description)
        }
    }
}
