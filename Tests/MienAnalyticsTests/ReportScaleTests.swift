import Foundation
import MienAnalytics
import MienTestSupport
import Testing

/// A 2-hour timeline with 40 tracks: the page stays small because every
/// series is downsampled (at most 300 points per line) and lanes are merged runs.
@Suite("HTML report: a 2-hour video with 40 tracks")
struct ReportScaleTests {
    @Test func twoHoursFortyTracksMakeAPageOfAboutAMegabyte() throws {
        let folder = NSTemporaryDirectory() + "mien-report-scale-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // One line every 10 s for 2 hours; track k is on screen in 20-minute stints, two of every three.
        let emotions = SyntheticTimeline.emotions
        var text = "", faces = 0
        text.reserveCapacity(10 << 20)
        for i in 0..<720 {
            let t = Double(i) * 10
            var entries: [String] = []
            for track in 0..<40 where (i / 120 + track) % 3 != 0 {
                let probs = SyntheticTimeline.probs(emotions[(i / 7 + track) % 7], 0.4 + Double((i + track) % 5) / 10)
                entries.append(SyntheticTimeline.face(track: track, box: [Double(track * 40), 100, 40, 40], probs: probs, smoothed: probs))
            }
            faces += entries.count
            text += SyntheticTimeline.line(t: t, frame: i * 250, faces: entries)
        }
        try text.write(toFile: folder + "/long.timeline.jsonl", atomically: true, encoding: .utf8)
        try SyntheticTimeline.meta(name: "long", input: "/nonexistent/long.mp4", width: 1920, height: 1080, duration: 7200,
                                   fps: 0.1, smooth: "window:1", records: 720, faces: faces, tracks: 40)
            .write(toFile: folder + "/long.meta.json", atomically: true, encoding: .utf8)

        let html = try ReportBuilder(folder: folder, generator: "mien test").html()
        let bytes = html.utf8.count
        print("report of 2 h x 40 tracks (\(text.utf8.count >> 20) MiB timeline): \(bytes) bytes of HTML")
        #expect(bytes < 4 << 20, "a few MB at most")
        #expect(html.components(separatedBy: "<svg").count - 1 == 41)
        let paths = html.components(separatedBy: "<path d=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(paths.count == 40 * 7)
        let mostPoints = paths.map { $0.filter { $0 == "M" || $0 == "L" }.count }.max() ?? 0
        #expect(mostPoints <= 300, "downsampled: \(mostPoints) points in one line")
        #expect(mostPoints >= 150, "a line still follows the track over its hour and more on screen")
    }
}
