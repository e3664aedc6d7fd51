import Foundation
import MienTestSupport
import Testing

/// `mien report` on a folder laid out like `mien analyze --out`, and on bad input.
@Suite("mien report, run as a user would")
struct ReportCommandTests {
    @Test func writesReportHTMLIntoTheFolder() throws {
        let fixture = try ReportFixture()
        defer { fixture.remove() }
        let output = try MienBinary.run(["report", fixture.folder])
        #expect(output.status == 0, "\(output.stderr)")
        let html = try String(contentsOfFile: fixture.folder + "/report.html", encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("data:image/png;base64,"))
        #expect(output.stderr.contains("wrote \(fixture.folder)/report.html"))
    }

    @Test func missingVideoIsAWarningNotAnError() throws {
        let fixture = try ReportFixture(videoPath: "/nonexistent/class.mp4")
        defer { fixture.remove() }
        let output = try MienBinary.run(["report", fixture.folder, "--out", fixture.folder + "/r.html"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stderr.contains("/nonexistent/class.mp4: video not found"))
        #expect(try String(contentsOfFile: fixture.folder + "/r.html", encoding: .utf8).contains("was not found"))
    }

    @Test func videoThatDoesNotMatchIsAnError() throws {
        let fixture = try ReportFixture(width: 640, height: 480)
        defer { fixture.remove() }
        let output = try MienBinary.run(["report", fixture.folder])
        #expect(output.status == 1)
        #expect(output.stderr.contains("\(fixture.video) does not match the timeline"), "\(output.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fixture.folder + "/report.html"))
    }

    @Test func folderThatIsNotThereIsAnError() throws {
        let output = try MienBinary.run(["report", "/nonexistent/out"])
        #expect(output.status == 1 && output.stderr.contains("/nonexistent/out: no such folder"), "\(output.stderr)")
    }
}
