import Foundation
import MienJobs
import MienPipeline
import MienService
import MienTestSupport
import Testing

/// The two long steps of `mien analyze` around the workers, probing the
/// inputs and writing the timelines, stop between inputs when asked (Ctrl-C),
/// rather than run to the end of a folder of long recordings.
@Suite("probing and collecting stop between inputs")
struct StopBetweenInputsTests {
    /// Answers false `count` times, then true.
    final class StopAfter: @unchecked Sendable {
        private let lock = NSLock()
        private var left: Int
        init(_ count: Int) { left = count }
        func ask() -> Bool { lock.withLock { left -= 1; return left < 0 } }
    }

    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mien-stop-\(getpid())-\(UUID().uuidString)").path

    /// Three inputs that are not media: each is submitted failed, without shards.
    func notMedia() throws -> [String] {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return try (0..<3).map { n in
            let path = folder + "/notes\(n).mp4"
            try Data("not a video \(n)".utf8).write(to: URL(fileURLWithPath: path))
            return path
        }
    }

    @Test func probingStopsBeforeTheNextInput() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let inputs = try notMedia()
        let planner = JobPlanner(settings: JobSettings(analysis: AnalysisSettings(fps: 5)))
        let names = ["a", "b", "c"]
        #expect(try planner.submission(inputs: inputs, names: names).videos.count == 3)
        let stop = StopAfter(1)
        #expect(throws: CancellationError.self) {
            try planner.submission(inputs: inputs, names: names, shouldStop: { stop.ask() })
        }
    }

    @Test func collectingStopsBeforeTheNextVideo() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let inputs = try notMedia()
        let store = try await StoreLocation(parsing: "sqlite:" + folder + "/jobs.sqlite").open()
        let submission = try JobPlanner(settings: JobSettings(analysis: AnalysisSettings(fps: 5)))
            .submission(inputs: inputs, names: ["a", "b", "c"])
        let (id, _) = try await store.submit(submission)
        let writer = TimelineWriter(outputDirectory: folder + "/out", generator: "test")
        let stop = StopAfter(1)
        let stopped = try await JobCollector(store: store, writer: writer).collect(id, shouldStop: { stop.ask() })
        #expect(stopped.written.map(\.status) == [.failed], "the first video's meta, then the stop")
        #expect(stopped.skipped == inputs.dropFirst().map { InputSummary.absolute($0) })
        let whole = try await JobCollector(store: store, writer: writer).collect(id)
        #expect(whole.written.count == 3 && whole.skipped.isEmpty)
        await store.close()
    }
}
