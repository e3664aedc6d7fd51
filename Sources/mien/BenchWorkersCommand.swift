import ArgumentParser
import Foundation

extension Mien {
    /// `mien bench workers`: throughput of `mien analyze` with 1 and with N worker processes.
    struct BenchWorkers: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "workers",
            abstract: "Time mien analyze with 1 worker process and with more (one thread each), on the same inputs.",
            discussion: """
                Each run is a fresh `mien analyze --workers N --threads 1` into a temporary folder \
                (nothing resumed), timed from start to exit. Prints records per second for each \
                worker count and the speed-up over one worker. Use inputs that give at least as \
                many shards as workers (several files, or --shard-seconds shorter than the video).
                """
        )

        @Option(help: "Worker counts to time, comma-separated.")
        var workers = "1,2"

        @Option(help: "Shard length, seconds.")
        var shardSeconds = 5.0

        @Option(help: "Sampling rate (default: every frame).")
        var fps: Double?

        @Argument(help: "Videos, e.g. ../shared/media/WolfgangLanger_Pexels.mp4.")
        var files: [String]

        func run() throws {
            let counts = workers.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !counts.isEmpty, counts.allSatisfy({ $0 >= 1 }) else { throw ValidationError("--workers: positive numbers, e.g. 1,2") }
            print("mien analyze, \(files.count) input\(files.count == 1 ? "" : "s"), shards of \(shardSeconds) s, "
                  + (fps.map { "\($0) per second" } ?? "every frame") + ", one thread per worker")
            var baseline: Double?
            for count in counts {
                let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mien-bench-workers-\(getpid())-\(count)").path
                defer { try? FileManager.default.removeItem(atPath: folder) }
                var arguments = ["analyze", "--workers", String(count), "--threads", "1", "--json",
                                 "--shard-seconds", String(shardSeconds), "--out", folder]
                if let fps { arguments += ["--fps", String(fps)] }
                let started = Date()
                let process = Process()
                process.executableURL = URL(fileURLWithPath: WorkerPool.executable())
                process.arguments = arguments + files
                let output = Pipe()
                process.standardOutput = output
                process.standardError = FileHandle.nullDevice
                try process.run()
                let data = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                let seconds = Date().timeIntervalSince(started)
                guard process.terminationStatus == 0,
                      let summary = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                      let records = summary["records"] as? Int else {
                    throw Fatal("mien analyze with \(count) workers failed (exit \(process.terminationStatus))")
                }
                let rate = Double(records) / seconds
                let speedUp = baseline.map { rate / $0 }
                if baseline == nil { baseline = rate }
                print(String(format: "  %d worker%@: %6d records in %6.2f s = %7.1f records/s%@", count, count == 1 ? " " : "s",
                             records, seconds, rate, speedUp.map { String(format: ", %.2fx one worker", $0) } ?? ""))
            }
        }
    }
}
