import Foundation
import MienMedia
import MienPipeline
import MienTestSupport
import Testing

/// A meta file always describes the timeline beside it, whatever step of a
/// rewrite fails.
@Suite("Timeline writing: meta and timeline stay in step")
struct TimelineWriterTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mien-writer-\(getpid())-\(UUID().uuidString)").path

    func earlierRun(_ writer: TimelineWriter) throws -> (timeline: String, meta: String) {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let files = writer.paths(name: "lesson")
        try Data("{\"t\":0}\n".utf8).write(to: URL(fileURLWithPath: files.timeline))
        try Data("{\"status\":\"complete\"}".utf8).write(to: URL(fileURLWithPath: files.meta))
        return files
    }

    var input: TimelineWriter.Input {
        TimelineWriter.Input(summary: InputSummary(path: folder + "/lesson.mp4"), name: "lesson", info: nil, models: nil,
                             settings: AnalysisSettings())
    }

    @Test func aMetaThatCannotBeWrittenLeavesNoOlderMetaBesideTheNewTimeline() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let writer = TimelineWriter(outputDirectory: folder, generator: "test")
        let files = try earlierRun(writer)
        // The meta's temporary file cannot be made: a folder stands at its path.
        try FileManager.default.createDirectory(atPath: folder + "/.lesson.meta.json.tmp-\(getpid())", withIntermediateDirectories: true)
        let records = [0.0, 0.5].map { FrameRecord(t: $0, frame: nil, frameTime: $0, status: .ok, faces: []) }
        let shard = ShardResult(task: ShardTask(index: 0, start: 0, end: 1, firstFrame: nil), records: records,
                                tracks: ShardTracks(start: 0), decode: DecodeStats(), readError: nil, times: StageTimes())
        let meta = writer.write(input, outcome: .success([shard]), wallSeconds: 0)
        #expect(meta.status == .failed && meta.error?.code == "output_failed", "\(String(describing: meta.error))")
        #expect(!FileManager.default.fileExists(atPath: files.meta), "the earlier run's meta would describe another timeline")
        #expect(try String(contentsOfFile: files.timeline, encoding: .utf8) != "{\"t\":0}\n", "the new timeline is in place")
    }

    @Test func aFailedInputRemovesTheOlderFilesAndSaysWhy() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let writer = TimelineWriter(outputDirectory: folder, generator: "test")
        let files = try earlierRun(writer)
        let meta = writer.write(input, outcome: .failure(ErrorSummary(code: "not_media", message: "lesson.mp4: not a video")), wallSeconds: 0)
        #expect(meta.status == .failed && meta.timeline == nil)
        #expect(!FileManager.default.fileExists(atPath: files.timeline))
        let written = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: files.meta))) as? [String: Any]
        #expect(written?["status"] as? String == "failed")
    }
}
