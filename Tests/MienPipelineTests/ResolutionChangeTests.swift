import Foundation
import MienMedia
@testable import MienPipeline
import MienTestSupport
import Testing

/// A recording whose resolution changes mid-stream (WebRTC follows the
/// bandwidth; segments of different sizes joined end to end): the sample,
/// its second half at half the size. Faces are detected in each frame's own
/// pixels and their boxes given in the stream's, so the same face keeps its
/// size, place and track across the change.
@Suite("Resolution changes mid-stream")
struct ResolutionChangeTests {
    /// The sample's first 2.5 s at 480x270, then 2.5 s at 240x136, one MPEG-TS.
    static func halvedClip() throws -> String {
        let dir = NSTemporaryDirectory() + "mien-resolution-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let sample = RepositoryFiles.astronautClip
        try Tool.ffmpeg(["-i", sample, "-t", "2.5", "-an", "-c:v", "libx264", "-g", "25", "-pix_fmt", "yuv420p", "a.ts"], in: dir)
        try Tool.ffmpeg(["-ss", "2.5", "-i", sample, "-t", "2.5", "-an", "-vf", "scale=240:136", "-c:v", "libx264", "-g", "25",
                         "-pix_fmt", "yuv420p", "-output_ts_offset", "2.5", "b.ts"], in: dir)
        let joined = try Data(contentsOf: URL(fileURLWithPath: dir + "/a.ts")) + Data(contentsOf: URL(fileURLWithPath: dir + "/b.ts"))
        try joined.write(to: URL(fileURLWithPath: dir + "/halved.ts"))
        return dir + "/halved.ts"
    }

    @Test func boxesStayInTheStreamsPixels() throws {
        let path = try Self.halvedClip()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let settings = AnalysisSettings(fps: 5)
        let analyzer = ShardAnalyzer(models: try AnalysisModels(settings: settings), settings: settings, threads: 2)
        let info = try VideoProber.probe(path)
        #expect((info.width, info.height) == (480, 270))
        let records = try TimelineAssembler(settings: settings).assemble([try analyzer.analyze(info)])
        let before = records.filter { $0.t >= 1.5 && $0.t < 2.4 }.compactMap(\.faces.first)
        let after = records.filter { $0.t >= 3.6 && $0.t < 4.9 }.compactMap(\.faces.first)
        #expect(before.count >= 3 && after.count >= 3, "the face is found on both sides")
        let width = { (faces: [FaceRecord]) in faces.map { $0.box[2] }.reduce(0, +) / Double(faces.count) }
        let centre = { (faces: [FaceRecord]) in faces.map { $0.box[0] + $0.box[2] / 2 }.reduce(0, +) / Double(faces.count) }
        #expect(abs(width(after) / width(before) - 1) < 0.25, "box widths \(width(before)) then \(width(after))")
        #expect(abs(centre(after) - centre(before)) < 0.25 * width(before), "centres \(centre(before)) then \(centre(after))")
        #expect(Set((before + after).map(\.track)).count == 1, "one track across the change")
        #expect(after.allSatisfy { $0.box[0] + $0.box[2] <= 480 * 1.1 })
    }
}
