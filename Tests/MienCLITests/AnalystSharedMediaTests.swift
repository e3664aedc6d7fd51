import Foundation
import MienTestSupport
import Testing

/// `mien summarize` and `mien report` on real footage from `../shared/media`:
/// `single_face.mp4` and a 2-second clip made of `multi_face.jpg` (five people,
/// four smiling), analysed with smoothing.
@Suite("mien summarize and report on real media", .enabled(if: SharedMedia.available, Comment(rawValue: SharedMedia.skipReason)))
final class AnalystSharedMediaTests {
    let root: String

    init() throws {
        root = NSTemporaryDirectory() + "mien-analyst-media-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    @Test func summaryAndReportOfOneFaceAndFiveFaces() throws {
        try Tool.ffmpeg(["-loop", "1", "-i", SharedMedia.path("multi_face.jpg"), "-t", "2", "-r", "10",
                         "-vf", "scale=1000:666", "-c:v", "libx264", "-pix_fmt", "yuv420p", root + "/group.mp4"])
        let analysed = try MienBinary.run(["analyze", "--fps", "5", "--smooth", "ema:0.5", SharedMedia.path("single_face.mp4"),
                                           root + "/group.mp4", "--out", root + "/out"])
        #expect(analysed.status == 0, "\(analysed.stderr)")

        let summary = try MienBinary.run(["summarize", root + "/out", "--format", "jsonl"])
        #expect(summary.status == 0, "\(summary.stderr)")
        let rows = try summary.text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let group = rows.filter { $0["video"] as? String == "group" }
        #expect(group.count == 5, "five tracks: \(group.map { $0["track"] ?? "" })")
        let happy = group.filter { $0["smoothed_dominant"] as? String == "happy" }.count
        #expect(happy >= 3, "four of the five people smile; \(happy) tracks are mostly happy")
        #expect(group.allSatisfy { abs(($0["seconds"] as? Double ?? 0) - 2) < 0.01 }, "each face is on screen the whole 2 s")
        #expect(rows.filter { $0["video"] as? String == "single_face" }.count == 1)

        let report = try MienBinary.run(["report", root + "/out"])
        #expect(report.status == 0, "\(report.stderr)")
        let html = try String(contentsOfFile: root + "/out/report.html", encoding: .utf8)
        #expect(html.components(separatedBy: "data:image/png;base64,").count - 1 == 6, "a thumbnail for each of the six tracks")
        #expect(!html.contains("was not found"))
    }
}
