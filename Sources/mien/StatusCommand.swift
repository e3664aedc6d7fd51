import ArgumentParser
import Foundation
import MienJobs
import MienServer
import MienService

extension Mien {
    /// `mien status`: progress of the jobs in a store.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a job's progress per video (shards done of total, failures with errors, throughput, ETA), or list the jobs.",
            discussion: "Without JOB, lists every job in the store, newest first."
        )

        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var serverOptions: ServerOptions

        @Flag(help: "Print one JSON object.")
        var json = false

        @Argument(help: "Job id (as submit printed it).")
        var job: String?

        func validate() throws { try serverOptions.validate(against: storeOptions) }

        func run() async throws {
            if let client = try serverOptions.client() {
                let path = job.map { "/v1/jobs/" + APIClient.segment($0) } ?? "/v1/jobs"
                let answer = try await serverCall { try await client.get(path) }
                if json { print(String(decoding: answer.body, as: UTF8.self)); return }
                if job != nil {
                    print(try ReportJSON.decode(StatusReport.self, from: answer.body).table())
                } else {
                    printList(try ReportJSON.decode([JobSummary].self, from: answer.body))
                }
                return
            }
            try await storeOptions.using { store in
                guard let job else {
                    let jobs = try await store.jobs()
                    if json { print(try Self.jsonLine(jobs)); return }
                    printList(jobs)
                    return
                }
                let progress: JobProgress
                do { progress = try await store.status(of: job) } catch let error as JobStoreError { throw Fatal(error.message) }
                let report = StatusReport(progress)
                print(json ? try Self.jsonLine(report) : report.table())
            }
        }

        /// One line per job, newest first.
        func printList(_ jobs: [JobSummary]) {
            if jobs.isEmpty { print("no jobs") }
            for j in jobs {
                print("\(j.id)  \(ISO8601DateFormatter().string(from: j.created))  \(j.videos) videos  "
                      + "\(j.done)/\(j.shards) shards done  \(j.dead) dead\(j.cancelled ? "  cancelled" : "")")
            }
        }

        /// The JSON `--json` prints (and the API answers): `ReportJSON`.
        static func jsonLine<T: Encodable>(_ value: T) throws -> String {
            String(decoding: try ReportJSON.encode(value), as: UTF8.self)
        }
    }
}

extension StatusReport {
    /// The report for people.
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
