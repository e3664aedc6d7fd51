import Foundation
import MienJobs

/// A job's progress for programs: what `mien status --json JOB` prints and
/// `GET /v1/jobs/{id}` answers (the same encoder, `ReportJSON`, for both).
public struct StatusReport: Codable, Sendable, Equatable {
    /// One video's progress.
    public struct Video: Codable, Sendable, Equatable {
        /// Output name (`NAME.timeline.jsonl`).
        public let name: String
        /// The input as the workers open it.
        public let input: String
        /// `running`, `done`, `partial` or `failed`.
        public let state: String
        /// Shards in all.
        public let shards: Int
        /// Shards done.
        public let done: Int
        /// Shards leased to a worker now.
        public let running: Int
        /// Shards that failed every attempt.
        public let dead: Int
        /// Latest errors first.
        public let errors: [String]
    }

    /// The job.
    public let job: String
    /// When it was submitted.
    public let created: Date
    /// Whether it was cancelled.
    public let cancelled: Bool
    /// Shards in all.
    public let shards: Int
    /// Shards done.
    public let done: Int
    /// Shards dead.
    public let dead: Int
    /// Shards finished per minute over the last ten minutes of completions.
    public let shardsPerMinute: Double?
    /// Seconds until the remaining shards are done at that rate.
    public let etaSeconds: Double?
    /// The videos, in input order.
    public let videos: [Video]

    enum CodingKeys: String, CodingKey {
        case job, created, cancelled, shards, done, dead, videos
        case shardsPerMinute = "shards_per_minute", etaSeconds = "eta_seconds"
    }

    /// The report of a job's progress, with its rate and ETA as of `now`.
    public init(_ p: JobProgress, now: Date = Date()) {
        job = p.job
        created = p.created
        cancelled = p.cancelled
        videos = p.videos.map {
            Video(name: $0.name, input: $0.input, state: $0.state.rawValue, shards: $0.shards, done: $0.done,
                  running: $0.leased, dead: $0.dead, errors: $0.errors)
        }
        shards = videos.reduce(0) { $0 + $1.shards }
        done = videos.reduce(0) { $0 + $1.done }
        dead = videos.reduce(0) { $0 + $1.dead }
        let recent = p.completions.filter { $0 > now.addingTimeInterval(-600) }.sorted()
        if recent.count >= 2, let first = recent.first, let last = recent.last, last > first {
            let rate = Double(recent.count - 1) / last.timeIntervalSince(first) * 60
            shardsPerMinute = rate
            let remaining = shards - done - dead
            etaSeconds = remaining > 0 && !cancelled ? Double(remaining) / rate * 60 : 0
        } else {
            shardsPerMinute = nil
            etaSeconds = nil
        }
    }
}

/// How job reports are written as JSON, by `mien status --json` and the HTTP
/// API alike: sorted keys, ISO 8601 dates, slashes unescaped.
public enum ReportJSON {
    /// The value as one line of JSON (no newline).
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(value)
    }

    /// Decodes a value written by `encode`.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(type, from: data)
    }
}
