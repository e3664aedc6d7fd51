import Foundation
import MienJobs
import MienPipeline
import MienService
import MienTestSupport
import Testing

/// A job cancelled part way keeps what was done: each unfinished video's
/// timeline is written from the shards done before the cancel, partial, the
/// others' grid times `undecodable` with the cancel as their error (it was
/// written as failed, the finished analysis lost).
@Suite("collecting a cancelled job")
struct CancelledJobCollectionTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mien-cancel-\(getpid())-\(UUID().uuidString)").path

    /// The bundled sample at 2 per second in shards of about 1 s, submitted to
    /// a new SQLite store in `folder` (and `folder/out` made for the files).
    func submitTheSample() async throws -> (store: any JobStore, job: JobID, shards: Int) {
        try FileManager.default.createDirectory(atPath: folder + "/out", withIntermediateDirectories: true)
        let store = try await StoreLocation(parsing: "sqlite:" + folder + "/jobs.sqlite").open()
        let submission = try JobPlanner(settings: JobSettings(analysis: AnalysisSettings(fps: 2), shardSeconds: 1))
            .submission(inputs: [RepositoryFiles.astronautClip], names: ["astronaut"])
        let (id, _) = try await store.submit(submission)
        return (store, id, submission.videos[0].shards.count)
    }

    @Test func theShardsDoneBeforeTheCancelAreKept() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (store, id, shards) = try await submitTheSample()
        #expect(shards >= 3, "a 5 s clip in shards of about 1 s")
        let lease = try #require(try await store.claim(worker: "test", lease: 60))
        let processor = ShardProcessor(threads: 1, modelDirectory: RepositoryFiles.path("Models"))
        #expect(try await store.complete(lease, result: try processor.process(lease)))
        try await store.cancel(id)
        let writer = TimelineWriter(outputDirectory: folder + "/out", generator: "test")
        let report = try await JobCollector(store: store, writer: writer).collect(id)
        await store.close()

        let meta = try #require(report.written.first)
        #expect(report.written.count == 1 && report.running.isEmpty)
        #expect(meta.status == .partial, "\(meta.status)")
        #expect(meta.error?.message.contains("cancelled") == true, "\(meta.error?.message ?? "")")
        let text = try String(contentsOfFile: folder + "/out/astronaut.timeline.jsonl", encoding: .utf8)
        let records = try text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(records.count == 10, "every grid time of 5 s at 2 per second has its line")
        let analysed = records.filter { $0["status"] as? String == "ok" }
        let missing = records.filter { $0["status"] as? String == "undecodable" }
        #expect(!analysed.isEmpty && analysed.count + missing.count == records.count)
        #expect(analysed.contains { !(($0["faces"] as? [Any]) ?? []).isEmpty }, "the done shard's faces are kept")
        #expect(missing.allSatisfy { ($0["error"] as? String)?.contains("the job was cancelled before it was done") == true })
    }

    @Test func aVideoWithNothingDoneIsFailedAsCancelled() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (store, id, _) = try await submitTheSample()
        try await store.cancel(id)
        let writer = TimelineWriter(outputDirectory: folder + "/out", generator: "test")
        let report = try await JobCollector(store: store, writer: writer).collect(id)
        await store.close()
        #expect(report.written.map(\.status) == [.failed] && report.written.first?.error?.code == "cancelled")
        #expect(!FileManager.default.fileExists(atPath: folder + "/out/astronaut.timeline.jsonl"))
    }
}
