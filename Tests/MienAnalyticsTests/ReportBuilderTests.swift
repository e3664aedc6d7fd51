import Foundation
@testable import MienAnalytics
import MienTestSupport
import Testing

/// `ReportBuilder` on a folder made with a real (synthetic) video.
@Suite("HTML report: contents, self-containment, bad input")
struct ReportBuilderTests {
    static func occurrences(of needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    @Test func tablesChartsAndThumbnailsInline() throws {
        let fixture = try ReportFixture()
        defer { fixture.remove() }
        let html = try ReportBuilder(folder: fixture.folder, generator: "mien test").html()
        for remote in ["http://", "https://", "<script", "@import", "url(", "<link"] {
            #expect(!html.contains(remote), "the page must load nothing: found \(remote)")
        }
        #expect(Self.occurrences(of: "data:image/png;base64,", in: html) == 2, "one thumbnail per track")
        #expect(Self.occurrences(of: "<svg", in: html) == 3, "a lane chart and one chart per track")
        #expect(Self.occurrences(of: "<path d=\"M", in: html) == 14, "seven emotion lines per track")
        #expect(html.contains(">complete<") && html.contains(">failed<"))
        #expect(html.contains("notes&lt;i&gt;&amp;"), "names are HTML-escaped by the template engine")
        #expect(!html.contains("notes<i>"))
        #expect(html.contains("not_media: /data/notes&lt;i&gt;&amp;.txt: not a video"))
        #expect(html.contains("smoothed probabilities (smoothing ema:1)"))
        // Track 0: smoothed happy on 6 of 8 lines.
        #expect(html.contains("<td>75.0%</td>") || html.contains(">75.0%</td>"))
    }

    @Test func thumbnailIsTheFaceCropOfTheVideo() throws {
        let fixture = try ReportFixture()
        defer { fixture.remove() }
        let html = try ReportBuilder(folder: fixture.folder, generator: "mien test").html()
        let start = try #require(html.range(of: "data:image/png;base64,"))
        let base64 = html[start.upperBound...].prefix { $0 != "\"" }
        let png = try #require(Data(base64Encoded: String(base64)))
        let path = fixture.folder + "/thumb.png"
        try png.write(to: URL(fileURLWithPath: path))
        // ffmpeg reads our PNG: track 0's box is 80x90, grown 1.4x and made square (126 px), scaled to 72.
        #expect(try Tool.ffprobe(path, ["-show_entries", "stream=width,height"]) == ["72,72"])
        let raw = try Tool.run("ffmpeg", ["-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        #expect(raw.status == 0 && raw.stdout.count == 72 * 72 * 3)
        #expect(Set(raw.stdout).count > 20, "a crop of the test pattern, not a blank image")
    }

    @Test func missingVideoIsSaidAndTheReportStillWorks() throws {
        let fixture = try ReportFixture(videoPath: "/nonexistent/class.mp4")
        defer { fixture.remove() }
        var notes: [String] = []
        let html = try ReportBuilder(folder: fixture.folder, generator: "mien test") { notes.append($0) }.html()
        #expect(html.contains("The video /nonexistent/class.mp4 was not found"))
        #expect(!html.contains("data:image/png"))
        #expect(Self.occurrences(of: "<svg", in: html) == 3)
        #expect(notes.contains { $0.contains("/nonexistent/class.mp4") })
    }

    @Test func videoThatDoesNotMatchTheTimelineIsAnError() throws {
        let fixture = try ReportFixture(width: 640, height: 480)
        defer { fixture.remove() }
        #expect {
            _ = try ReportBuilder(folder: fixture.folder, generator: "mien test").html()
        } throws: { error in
            let message = (error as? AnalyticsError)?.message ?? ""
            return message.contains("class.mp4 does not match the timeline") && message.contains("640x480")
                && message.contains("320x240")
        }
    }

    /// A timeline of anamorphic video made before Mien stretched non-square
    /// pixels says so, rather than that the video was replaced.
    @Test func aTimelineInCodedPixelsOfAnamorphicVideoSaysWhy() throws {
        let probe = try JSONDecoder().decode(MetaFile.Probe.self, from: Data(#"{"width":72,"height":48,"duration":0.5}"#.utf8))
        #expect {
            _ = try FaceThumbnails(videoPath: Fixtures.shared.anamorphicWide, expected: probe, timelinePath: "old.timeline.jsonl")
        } throws: { error in
            let message = (error as? AnalyticsError)?.message ?? ""
            return message.contains("did not yet stretch non-square pixels") && message.contains("96x48")
        }
    }

    /// The meta file records the video's size: a file of the same name and
    /// length elsewhere is not it, and the one beside the report is found.
    @Test func theVideoIsKnownByItsSize() throws {
        let fixture = try ReportFixture(videoPath: "/nonexistent/class.mp4")
        defer { fixture.remove() }
        let metaPath = fixture.folder + "/class.meta.json"
        var meta = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: metaPath))) as! [String: Any]
        var input = meta["input"] as! [String: Any]
        let size = try FileManager.default.attributesOfItem(atPath: fixture.video)[.size] as! Int
        input["path"] = "class.mp4"            // relative, as given to mien analyze: found beside the report
        input["bytes"] = size
        meta["input"] = input
        try JSONSerialization.data(withJSONObject: meta).write(to: URL(fileURLWithPath: metaPath))
        let html = try ReportBuilder(folder: fixture.folder, generator: "mien test").html()
        #expect(html.contains("data:image/png"), "thumbnails from the video beside the report")
        input["bytes"] = size + 1
        meta["input"] = input
        try JSONSerialization.data(withJSONObject: meta).write(to: URL(fileURLWithPath: metaPath))
        #expect {
            _ = try ReportBuilder(folder: fixture.folder, generator: "mien test").html()
        } throws: { error in
            let message = (error as? AnalyticsError)?.message ?? ""
            return message.contains("class.mp4 does not match the timeline") && message.contains("\(size + 1) bytes")
        }
    }

    @Test func folderWithoutTimelinesIsAnError() throws {
        let fixture = try ReportFixture()
        defer { fixture.remove() }
        try FileManager.default.removeItem(atPath: fixture.folder + "/class.timeline.jsonl")
        try FileManager.default.removeItem(atPath: fixture.folder + "/class.meta.json")
        #expect {
            _ = try ReportBuilder(folder: fixture.folder, generator: "mien test").html()
        } throws: { error in
            let message = (error as? AnalyticsError)?.message ?? ""
            return message.contains("no timelines") && message.contains("notes<i>&")
        }
    }

    @Test func damagedTimelineLineIsNamed() throws {
        let fixture = try ReportFixture()
        defer { fixture.remove() }
        let path = fixture.folder + "/class.timeline.jsonl"
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[3] = String(lines[3].prefix(40))  // a line cut off, as by a full disk
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            _ = try ReportBuilder(folder: fixture.folder, generator: "mien test").html()
        } throws: { error in
            ((error as? AnalyticsError)?.message ?? "").contains("class.timeline.jsonl: line 4 is not a timeline record")
        }
    }
}
