import ArgumentParser
import Dispatch
import Foundation
import MienJobs
import MienService

extension Mien {
    /// `mien bench queue`: how fast the job stores hand out and take back shards.
    struct BenchQueue: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "queue",
            abstract: "Time concurrent workers claiming and completing empty shards, on SQLite and PostgreSQL.",
            discussion: """
                Each worker has its own store connection (its own SQLite pool, or PostgreSQL client) and \
                loops claim -> complete with an empty result until nothing is left; the figure is shards \
                per second, each shard one claim and one commit. SQLite runs on a temporary file. \
                PostgreSQL runs on --postgres URL (a job is added to that database) or, with \
                --start-postgres, on a throwaway local server (scripts/install-deps.sh installs it).
                """
        )

        @Option(help: "Empty shards to submit (in videos of 1000).")
        var shards = 10_000

        @Option(help: "Concurrent workers.")
        var workers = 4

        @Option(help: "A PostgreSQL store to measure too: postgres://USER@HOST:PORT/DB (password from PGPASSWORD).")
        var postgres: String?

        @Flag(help: "Start a throwaway PostgreSQL server for the run and measure it too.")
        var startPostgres = false

        @Flag(name: .customLong("no-sqlite"), help: "Skip SQLite.")
        var noSQLite = false

        func validate() throws {
            guard shards > 0, workers > 0 else { throw ValidationError("--shards and --workers must be positive") }
            if postgres != nil && startPostgres { throw ValidationError("give --postgres or --start-postgres, not both") }
        }

        func run() throws {
            try BlockingCall.run { try await measureAll() }
        }

        private func measureAll() async throws {
            print("store     workers  shards  submit s    run s  shards/s  (each shard: claim + complete)")
            if !noSQLite {
                let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mien-bench-queue-\(getpid())")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: folder) }
                try await measure(.sqlite(path: folder.appendingPathComponent("jobs.sqlite").path), name: "sqlite")
            }
            if let postgres {
                try await measure(try StoreLocation(parsing: postgres), name: "postgres")
            } else if startPostgres {
                let server = try TemporaryPostgresServer()
                defer { server.stop() }
                try await measure(.postgres(try server.createDatabase("bench")), name: "postgres")
            }
        }

        /// Submits the shards, then races the workers over them and prints one line.
        private func measure(_ location: StoreLocation, name: String) async throws {
            let coordinator = try await location.open()
            let videos = stride(from: 0, to: shards, by: 1000).map { first in
                VideoSubmission(input: "bench-\(first)", name: "bench-\(first)", info: Data("{}".utf8),
                                shards: Array(repeating: Data(), count: min(1000, shards - first)))
            }
            let submission = JobSubmission(key: "bench-queue-\(UUID().uuidString)", settings: Data("{}".utf8),
                                           videos: videos)
            let submitStart = ContinuousClock.now
            _ = try await coordinator.submit(submission)
            let submitTime = ContinuousClock.now - submitStart
            await coordinator.close()

            // Open every worker's store first, so connecting is not timed.
            var stores: [any JobStore] = []
            for _ in 0..<workers { stores.append(try await location.open()) }
            let start = ContinuousClock.now
            let done = try await withThrowingTaskGroup(of: Int.self) { group in
                for (n, store) in stores.enumerated() {
                    group.addTask {
                        var count = 0
                        while let lease = try await store.claim(worker: "bench-\(n)", lease: 60) {
                            if try await store.complete(lease, result: Data()) { count += 1 }
                        }
                        return count
                    }
                }
                return try await group.reduce(0, +)
            }
            let runTime = ContinuousClock.now - start
            for store in stores { await store.close() }
            guard done == shards else { throw ValidationError("\(name): \(done) of \(shards) shards completed") }
            let seconds = Double(runTime.components.seconds) + Double(runTime.components.attoseconds) * 1e-18
            let submitSeconds = Double(submitTime.components.seconds) + Double(submitTime.components.attoseconds) * 1e-18
            print(name.padding(toLength: 9, withPad: " ", startingAt: 0)
                  + String(format: " %7d %7d %9.2f %8.2f %9.0f", workers, shards, submitSeconds, seconds,
                           Double(shards) / seconds))
        }
    }
}
