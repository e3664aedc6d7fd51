import Foundation
import MienMedia
@testable import MienPipeline
import Testing

/// Which record each frame of a video shows (`TimelineCursor`), and the label and pixels `FaceOverlay` draws.
@Suite struct TimelineCursorTests {
    func cursor(_ records: [FrameRecord]) throws -> (TimelineCursor, String) {
        let path = NSTemporaryDirectory() + "mien-cursor-\(getpid())-\(UUID().uuidString.prefix(8)).timeline.jsonl"
        try TimelineFile.data(records).write(to: URL(fileURLWithPath: path))
        return (TimelineCursor(reader: try TimelineReader(path: path)), path)
    }

    static func face(track: Int) -> FaceRecord {
        FaceRecord(track: track, box: [10, 10, 20, 20], score: 0.9, landmarks: Array(repeating: [0, 0], count: 5),
                   probs: [0.1, 0, 0, 0.8, 0.1, 0, 0])
    }

    @Test func eachFrameShowsTheLatestAnalysedFrameAtOrBeforeIt() throws {
        // A 3-per-second grid over a 10 fps video: grid time 1/3 used the frame at 0.3.
        let records = [
            FrameRecord(t: 0, frame: 0, frameTime: 0, status: .ok, faces: [Self.face(track: 0)]),
            FrameRecord(t: 1.0 / 3, frame: 3, frameTime: 0.3, status: .ok, faces: [Self.face(track: 1)]),
            FrameRecord(t: 2.0 / 3, frame: nil, frameTime: nil, status: .undecodable, error: "cut off"),
            FrameRecord(t: 1, frame: 10, frameTime: 1, status: .ok, faces: []),
        ]
        let (cursor, path) = try cursor(records)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let shown = try (0..<12).map { try cursor.record(at: Double($0) / 10)?.faces.map(\.track) ?? [-1] }
        // From the undecodable grid time on, nothing (no frame was analysed there) until the next analysed frame.
        #expect(shown == [[0], [0], [0], [1], [1], [1], [1], [-1], [-1], [-1], [], []])
    }

    @Test func aRunOfUndecodableLinesShowsNothingThroughout() throws {
        // A dead shard between two analysed ones (every frame: one line at its start; on a grid: one per grid time).
        var records = [FrameRecord(t: 0, frame: 0, frameTime: 0, status: .ok, faces: [Self.face(track: 0)])]
        records += (1...3).map { FrameRecord(t: Double($0) / 2, frame: nil, frameTime: nil, status: .undecodable, error: "dead") }
        records.append(FrameRecord(t: 2, frame: 40, frameTime: 2, status: .ok, faces: [Self.face(track: 1)]))
        let (cursor, path) = try cursor(records)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let shown = try [0.2, 0.5, 1.2, 1.9, 2.0, 2.5].map { try cursor.record(at: $0)?.faces.map(\.track) ?? [-1] }
        #expect(shown == [[0], [-1], [-1], [-1], [1], [1]])
    }

    @Test func framesBeforeTheFirstAnalysedOneShowNothing() throws {
        let (cursor, path) = try cursor([FrameRecord(t: 0.5, frame: 5, frameTime: 0.5, status: .ok, faces: [Self.face(track: 2)])])
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try cursor.record(at: 0.4999) == nil)
        #expect(try cursor.record(at: 0.4999995)?.faces.first?.track == 2, "within the timeline's 1 µs rounding")
    }

    @Test func labelShowsTrackEmotionAndPercentSmoothedWhenSmoothed() {
        var face = Self.face(track: 3)
        #expect(FaceOverlay.label(face) == "#3 happy 80%")
        face.smoothed = SmoothedEmotion(emotion: .sad, probs: [0, 0, 0, 0.4, 0.55, 0.05, 0])
        #expect(FaceOverlay.label(face) == "#3 sad 55%")
    }

    @Test func overlayDrawsTheBoxOutlineAndALabelAboveIt() {
        var image = PixelImage(width: 200, height: 100, layout: .rgb, pixels: [UInt8](repeating: 128, count: 200 * 100 * 3))
        var face = Self.face(track: 1)
        face.box = [50, 40, 60, 50]
        FaceOverlay(width: 200, height: 100).draw([face], on: &image)
        let orange = FaceOverlay.color(track: 1), gray = RGBColor(128, 128, 128)
        #expect(image.color(x: 50, y: 60) == orange && image.color(x: 51, y: 60) == orange && image.color(x: 52, y: 60) == gray)
        #expect(image.color(x: 109, y: 89) == orange && image.color(x: 80, y: 60) == gray)
        // The label's tag (7 px font + 1 px padding each side, made even: 10 px) sits just above the box.
        #expect(image.color(x: 50, y: 30) == orange && image.color(x: 50, y: 29) == gray)
        let ink = (31..<38).flatMap { y in (51..<120).map { image.color(x: $0, y: y) } }.filter { $0 == RGBColor(0, 0, 0) }
        #expect(ink.count > 50, "the label's text")
    }
}
