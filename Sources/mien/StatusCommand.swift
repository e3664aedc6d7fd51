import ArgumentParser
import Foundation
import MienJobs
import MienService

extension Mien {
    /// `mien status`: progress of the jobs in a store.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a job's progress per video (shards done of total, failures with errors, throughput, ETA), or list the jobs.",
            discussion: "Without JOB, lists every job in the store, newest first."
        )

        @OptionGroup var storeOptions: StoreOptions

        @Flag(help: "Print one JSON object.")
        var json = false

        @Argument(help: "Job id (as submit printed it).")
        var job: String?

        func run() async throws {
            try await storeOptions.using { store in
                guard let job else {
                    let jobs = try await store.jobs()
                    if json { print(try Self.jsonLine(jobs)); return }
                    if jobs.isEmpty { print("no jobs") }
                    for j in jobs {
                        print("\(j.id)  \(ISO8601DateFormatter().string(from: j.created))  \(j.videos) videos  "
                              + "\(j.done)/\(j.shards) shards done  \(j.dead) dead\(j.cancelled ? "  cancelled" : "")")
                    }
                    return
                }
                let progress: JobProgress
                do { progress = try await store.status(of: job) } catch let error as JobStoreError { throw Fatal(error.message) }
                let report = StatusReport(progress)
                print(json ? try Self.jsonLine(report) : report.table())
            }
        }

        static func jsonLine<T: Encodable>(_ value: T) throws -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        }
    }
}

/// A job's progress for people (`table`) and programs (JSON).
struct StatusReport: Encodable {
    struct Video: Encodable {
        let name: String
        let input: String
        let state: String
        let shards: Int
        let done: Int
        let running: Int
        let dead: Int
        let errors: [String]
    }

    let job: String
    let created: Date
    let cancelled: Bool
    let shards: Int
    let done: Int
    let dead: Int
    /// Shards finished per minute over the last ten minutes of completions.
    let shardsPerMinute: Double?
    /// Seconds until the remaining shards are done at that rate.
    let etaSeconds: Double?
    let videos: [Video]

    enum CodingKeys: String, CodingKey {
        case job, created, cancelled, shards, done, dead, videos
        case shardsPerMinute = "shards_per_minute", etaSeconds = "eta_seconds"
    }

    init(_ p: JobProgress) {
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
        let recent = p.completions.filter { $0 > Date().addingTimeInterval(-600) }.sorted()
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

    func table() -> String {
        var lines = ["job \(job): \(done)/\(shards) shards done, \(dead) dead\(cancelled ? ", cancelled" : "")"]
        if let shardsPerMinute, let etaSeconds {
            lines[0] += String(format: "; %.1f shards/min, about %@ left", shardsPerMinute, ProgressDisplay.clock(etaSeconds))
        }
        for v in videos {
            lines.append("  \(v.state.padding(toLength: 8, withPad: " ", startingAt: 0)) \(v.done)/\(v.shards) shards"
                         + (v.running > 0 ? ", \(v.running) running" : "") + (v.dead > 0 ? ", \(v.dead) dead" : "")
                         + "  \(v.name)  (\(v.input))")
            for error in v.errors.prefix(3) { lines.append("           error: \(error)") }
        }
        return lines.joined(separator: "\n")
    }
}
