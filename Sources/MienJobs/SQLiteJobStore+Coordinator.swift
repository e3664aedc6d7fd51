import Foundation
import GRDB

/// The coordinator's side: submit, list, status, results, retry, cancel.
extension SQLiteJobStore {
    /// Inserts the job, its videos and shards in one transaction, unless a
    /// job with the same key (so the same id) exists.
    /// - Throws: `JobStoreError.queryFailed`, also when another key has the same id.
    public func submit(_ submission: JobSubmission) async throws -> (id: JobID, created: Bool) {
        let id = submission.jobID
        let name = "sqlite:\(path)"
        return try await transaction { db in
            if let key = try String.fetchOne(db, sql: "SELECT key FROM jobs WHERE id = ?", arguments: [id]) {
                guard key == submission.key else { throw idCollision(id, store: name) }
                return (id, false)
            }
            let now = Self.now()
            try db.execute(sql: """
                INSERT INTO jobs (id, key, settings, max_attempts, created, cancelled) VALUES (?, ?, ?, ?, ?, 0)
                """, arguments: [id, submission.key, submission.settings, max(1, submission.maxAttempts), now])
            let insertShard = try db.cachedStatement(sql: """
                INSERT INTO shards (video, job, position, payload, state, attempts, available_at)
                VALUES (?, ?, ?, ?, 'pending', 0, ?)
                """)
            for (position, video) in submission.videos.enumerated() {
                try db.execute(sql: """
                    INSERT INTO videos (job, position, input, name, info, failure) VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [id, position, video.input, video.name, video.info, video.failure])
                let videoID = db.lastInsertedRowID
                for (index, payload) in video.shards.enumerated() {
                    try insertShard.execute(arguments: [videoID, id, index, payload, now])
                }
            }
            return (id, true)
        }
    }

    /// Every job with its counts, newest first.
    /// - Throws: `JobStoreError.queryFailed`.
    public func jobs() async throws -> [JobSummary] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT j.id, j.created, j.cancelled,
                    (SELECT COUNT(*) FROM videos v WHERE v.job = j.id) AS videos,
                    (SELECT COUNT(*) FROM shards s WHERE s.job = j.id) AS shards,
                    (SELECT COUNT(*) FROM shards s WHERE s.job = j.id AND s.state = 'done') AS done,
                    (SELECT COUNT(*) FROM shards s WHERE s.job = j.id AND s.state = 'dead') AS dead
                FROM jobs j ORDER BY j.created DESC, j.id
                """).map { row in
                JobSummary(id: row["id"], created: Date(timeIntervalSince1970: row["created"]),
                           cancelled: row["cancelled"], videos: row["videos"], shards: row["shards"],
                           done: row["done"], dead: row["dead"])
            }
        }
    }

    /// One job's progress, from one snapshot.
    /// - Throws: `JobStoreError.unknownJob`, or `.queryFailed`.
    public func status(of job: JobID) async throws -> JobProgress {
        let name = "sqlite:\(path)"
        return try await read { db in
            guard let jobRow = try Row.fetchOne(db, sql: "SELECT created, cancelled, settings FROM jobs WHERE id = ?",
                                                arguments: [job]) else { throw unknownJob(job, store: name) }
            var counts: [VideoID: [String: Int]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT video, state, COUNT(*) AS n FROM shards WHERE job = ? GROUP BY video, state",
                                        arguments: [job]) {
                counts[row["video"], default: [:]][row["state"]] = row["n"]
            }
            var errors: [VideoID: [String]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT s.video, a.error FROM attempts a JOIN shards s ON s.id = a.shard
                WHERE s.job = ? AND a.error IS NOT NULL ORDER BY a.ended DESC, a.id DESC
                """, arguments: [job]) where errors[row["video"], default: []].count < errorsPerVideo {
                errors[row["video"], default: []].append(row["error"])
            }
            let videos = try Row.fetchAll(db, sql: """
                SELECT id, input, name, info, failure FROM videos WHERE job = ? ORDER BY position
                """, arguments: [job]).map { row in
                let id: VideoID = row["id"]
                let failure: String? = row["failure"]
                return JobProgress.Video(id: id, input: row["input"], name: row["name"], info: row["info"],
                                         counts: counts[id] ?? [:], failure: failure, errors: errors[id] ?? [])
            }
            let completions = try Double.fetchAll(db, sql: """
                SELECT completed_at FROM shards WHERE job = ? AND state = 'done' ORDER BY completed_at
                """, arguments: [job]).map(Date.init(timeIntervalSince1970:))
            return JobProgress(job: job, created: Date(timeIntervalSince1970: jobRow["created"]),
                               cancelled: jobRow["cancelled"], settings: jobRow["settings"], videos: videos,
                               completions: completions)
        }
    }

    /// The video's results in shard order once every shard is done; nil
    /// while any is not, or when its input failed.
    /// - Throws: `JobStoreError.unknownVideo`, or `.queryFailed`.
    public func results(of video: VideoID) async throws -> [ShardOutcome]? {
        let name = "sqlite:\(path)"
        return try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT failure FROM videos WHERE id = ?", arguments: [video]) else {
                throw JobStoreError(.unknownVideo, "job store \(name) has no video \(video)")
            }
            let failure: String? = row["failure"]
            guard failure == nil else { return nil }
            let unfinished = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM shards WHERE video = ? AND state != 'done'",
                                              arguments: [video]) ?? 0
            guard unfinished == 0 else { return nil }
            return try Row.fetchAll(db, sql: """
                SELECT s.position, s.payload, r.data FROM shards s JOIN results r ON r.shard = s.id
                WHERE s.video = ? ORDER BY s.position
                """, arguments: [video]).map { ShardOutcome(index: $0["position"], payload: $0["payload"], result: $0["data"]) }
        }
    }

    /// Makes the job's dead shards pending with no attempts used.
    /// - Throws: `JobStoreError.unknownJob`, or `.queryFailed`.
    public func retryDead(in job: JobID) async throws -> Int {
        let name = "sqlite:\(path)"
        return try await transaction { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM jobs WHERE id = ?", arguments: [job]) != nil else {
                throw unknownJob(job, store: name)
            }
            try db.execute(sql: """
                UPDATE shards SET state = 'pending', attempts = 0, available_at = ?, lease_expires = NULL
                WHERE job = ? AND state = 'dead'
                """, arguments: [Self.now(), job])
            return db.changesCount
        }
    }

    /// Marks the job cancelled: its shards are no longer claimed.
    /// - Throws: `JobStoreError.unknownJob`, or `.queryFailed`.
    public func cancel(_ job: JobID) async throws {
        let name = "sqlite:\(path)"
        try await transaction { db in
            try db.execute(sql: "UPDATE jobs SET cancelled = 1 WHERE id = ?", arguments: [job])
            guard db.changesCount == 1 else { throw unknownJob(job, store: name) }
        }
    }
}

/// The error for a job id that is not in `store`.
func unknownJob(_ job: JobID, store: String) -> JobStoreError {
    JobStoreError(.unknownJob, "job store \(store) has no job \(job)")
}

/// The error for two submission keys with the same 64-bit id.
func idCollision(_ job: JobID, store: String) -> JobStoreError {
    JobStoreError(.queryFailed, "job store \(store): job id \(job) already belongs to a different submission key")
}

extension JobProgress.Video {
    /// A video's progress from its per-state shard counts.
    init(id: VideoID, input: String, name: String, info: Data, counts: [String: Int], failure: String?,
         errors: [String]) {
        let shards = counts.values.reduce(0, +)
        let done = counts["done"] ?? 0
        let dead = counts["dead"] ?? 0
        self.init(id: id, input: input, name: name, info: info,
                  state: Self.state(failure: failure, shards: shards, done: done, dead: dead),
                  shards: shards, done: done, leased: counts["leased"] ?? 0, dead: dead,
                  errors: (failure.map { [$0] } ?? []) + errors)
    }
}
