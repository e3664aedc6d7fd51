import Foundation
import MienTestSupport

/// A folder laid out as `mien analyze --out` leaves it, made for report tests:
/// a 4-second 320x240 test-pattern video, a timeline of two tracks over it
/// at 2 lines per second (track 0 happy then sad, track 1 neutral from 1 s to 3 s),
/// its meta file naming the video, and the meta file of an input that failed.
public struct ReportFixture {
    /// The folder.
    public let folder: String
    /// The video's path.
    public let video: String

    /// Makes the folder; `videoPath` is the video the meta file names (default: the one made), `width` and `height` what it says of it.
    public init(name: String = "class", videoPath: String? = nil, width: Int = 320, height: Int = 240) throws {
        folder = NSTemporaryDirectory() + "mien-report-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        video = folder + "/\(name).mp4"
        try Tool.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10", "-t", "4", "-c:v", "libx264",
                         "-pix_fmt", "yuv420p", "-g", "10", video])
        var lines = "", faces = 0
        for i in 0..<8 {
            var entries = [SyntheticTimeline.face(track: 0, box: [40, 60, 80, 90], score: 0.9 + Double(i) / 100,
                                                  probs: SyntheticTimeline.probs(i < 5 ? "happy" : "sad"),
                                                  smoothed: SyntheticTimeline.probs(i < 6 ? "happy" : "sad", 0.6))]
            if (2...5).contains(i) {
                entries.append(SyntheticTimeline.face(track: 1, box: [200, 40, 70, 80], probs: SyntheticTimeline.probs("neutral"),
                                                      smoothed: SyntheticTimeline.probs("neutral", 0.6)))
            }
            faces += entries.count
            lines += SyntheticTimeline.line(t: Double(i) * 0.5, frame: i * 5, faces: entries)
        }
        try write(lines, "\(name).timeline.jsonl")
        try write(SyntheticTimeline.meta(name: name, input: videoPath ?? video, width: width, height: height, duration: 4,
                                         fps: 2, smooth: "ema:1", records: 8, faces: faces, tracks: 2), "\(name).meta.json")
        try write(SyntheticTimeline.meta(name: "notes<i>&", input: "/data/notes<i>&.txt", width: 0, height: 0, duration: 0,
                                         fps: 2, smooth: "ema:1", records: 0, faces: 0, tracks: 0, status: "failed",
                                         error: ("not_media", "/data/notes<i>&.txt: not a video")), "notes<i>&.meta.json")
    }

    /// Writes `text` to `name` in the folder.
    public func write(_ text: String, _ name: String) throws {
        try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
    }

    /// Deletes the folder.
    public func remove() { try? FileManager.default.removeItem(atPath: folder) }
}
