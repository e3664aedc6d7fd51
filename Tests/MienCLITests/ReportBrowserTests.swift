import Foundation
import MienTestSupport
import Testing

/// The report in a real browser: headless Chromium opens `mien report`'s page
/// with no console errors and takes a screenshot of it
/// (kept as `output/report-screenshot.png`, git-ignored, to look at).
@Suite("mien report in headless Chromium", .serialized, .enabled(if: Chromium.testsEnabled, Comment(rawValue: Chromium.skipReason)))
struct ReportBrowserTests {
    @Test func consoleErrorsAreSeenOnAPageThatHasThem() throws {
        // The check below could not fail if Chromium's console were not read: this page's errors must show.
        let folder = NSTemporaryDirectory() + "mien-browser-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "<!DOCTYPE html><p>x</p><script>console.error('mien-control'); missingFunction();</script>"
            .write(toFile: folder + "/control.html", atomically: true, encoding: .utf8)
        let load = try Chromium.screenshot(of: folder + "/control.html", to: folder + "/control.png", width: 200, height: 100)
        #expect(load.console.contains { $0.contains("mien-control") }, "\(load.log)")
        #expect(load.console.contains { $0.contains("missingFunction") }, "\(load.log)")
    }

    @Test func reportOpensWithoutConsoleErrorsAndIsScreenshotted() throws {
        let fixture = try ReportFixture()
        defer { fixture.remove() }
        let made = try MienBinary.run(["report", fixture.folder])
        #expect(made.status == 0, "\(made.stderr)")
        let screenshot = fixture.folder + "/report.png"
        let load = try Chromium.screenshot(of: fixture.folder + "/report.html", to: screenshot)
        #expect(load.status == 0, "\(load.log)")
        #expect(load.console.isEmpty, "console messages: \(load.console)")
        let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(try Tool.ffprobe(screenshot, ["-show_entries", "stream=width,height"]) == ["1280,1600"])
        // Not a blank page: the charts' colours and the thumbnails give many distinct colours.
        let raw = try Tool.run("ffmpeg", ["-v", "error", "-i", screenshot, "-vf", "scale=320:400", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        let bytes = [UInt8](raw.stdout)
        var colours = Set<Int>()
        for i in stride(from: 0, to: bytes.count - 2, by: 3) {
            colours.insert(Int(bytes[i]) << 16 | Int(bytes[i + 1]) << 8 | Int(bytes[i + 2]))
        }
        #expect(colours.count > 100, "\(colours.count) colours")
        let kept = RepositoryFiles.path("output/report-screenshot.png")
        try? FileManager.default.createDirectory(atPath: RepositoryFiles.path("output"), withIntermediateDirectories: true)
        try? FileManager.default.removeItem(atPath: kept)
        try? FileManager.default.copyItem(atPath: screenshot, toPath: kept)
        print("report screenshot: \(kept)")
    }
}
