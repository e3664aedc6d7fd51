import ArgumentParser
import Dispatch
import Foundation
import MienJobs
import MienPipeline
import MienService

extension Mien {
    /// `mien bench collect`: peak memory and time of collecting a long recording.
    struct BenchCollect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "collect",
            abstract: "Peak memory and time of collecting a made-up job as long as you like (no video is analysed).",
            discussion: """
                Stores a job of --hours of video with --faces still faces sampled --rate times a second, in \
                shards of --shard-seconds, in a temporary SQLite store (its results are made up, see \
                SyntheticTimelineJob), then collects it into a timeline and meta file as `mien collect` \
                does, and prints the collect step's peak resident memory (the peak is reset after the \
                store is filled) and its time. Needs disk for the store (about 400 bytes a face).
                """
        )

        @Option(help: "Length of the made-up recording, hours.")
        var hours = 3.0

        @Option(help: "Faces in every sample.")
        var faces = 40

        @Option(help: "Samples per second.")
        var rate = 5.0

        @Option(help: "Shard length, seconds.")
        var shardSeconds = 30.0

        @Option(help: "Smoothing, as for analyze: none, ema[:TAU], window[:SECONDS], hmm[:STICKINESS].")
        var smoothing = "hmm"

        @Option(help: "Folder for the store and the output (default: a temporary folder, removed afterwards).")
        var folder: String?

        func validate() throws {
            guard hours > 0, faces >= 0, rate > 0, shardSeconds > 0 else {
                throw ValidationError("--hours, --rate and --shard-seconds must be positive, --faces not negative")
            }
        }

        func run() async throws {
            let method: SmoothingMethod
            do { method = try SmoothingMethod(parsing: smoothing) } catch { throw ValidationError(error.message) }
            let root = folder ?? FileManager.default.temporaryDirectory.appendingPathComponent("mien-bench-collect-\(getpid())").path
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            defer { if folder == nil { try? FileManager.default.removeItem(atPath: root) } }
            let store = try await StoreLocation.sqlite(path: root + "/jobs.sqlite").open()
            let job = SyntheticTimelineJob(seconds: hours * 3600, faces: faces, rate: rate, shardSeconds: shardSeconds,
                                           settings: AnalysisSettings(fps: rate, smoothing: method))
            let samples = Int(hours * 3600 * rate)
            print(String(format: "made-up job: %.2f h, %d faces x %d samples = %d faces, %.0f s shards, smoothing %@",
                         hours, faces, samples, faces * samples, shardSeconds, method.description))
            var clock = DispatchTime.now().uptimeNanoseconds
            let id = try await job.store(in: store)
            print(String(format: "  stored in %.1f s; peak resident memory while storing %.0f MiB",
                         Self.seconds(since: clock), PeakMemory.residentMiB()))

            PeakMemory.reset()
            clock = DispatchTime.now().uptimeNanoseconds
            let writer = TimelineWriter(outputDirectory: root, generator: "mien bench collect")
            let report = try await JobCollector(store: store, writer: writer).collect(id)
            let seconds = Self.seconds(since: clock)
            await store.close()
            guard let meta = report.written.first, meta.status == .complete else {
                throw Fatal("collect did not complete: \(report.written.first?.error?.message ?? "nothing written")")
            }
            let bytes = (try? FileManager.default.attributesOfItem(atPath: root + "/synthetic.timeline.jsonl")[.size] as? Int) ?? 0
            print(String(format: "  collected in %.1f s: %d records, %d faces, %d tracks, timeline %.0f MiB",
                         seconds, meta.counts.records, meta.counts.faces, meta.counts.tracks, Double(bytes) / 1_048_576))
            print(String(format: "  peak resident memory while collecting: %.0f MiB", PeakMemory.residentMiB()))
        }

        static func seconds(since start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
    }
}
