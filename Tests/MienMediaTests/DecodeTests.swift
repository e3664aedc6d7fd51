import Foundation
import MienTestSupport
import Testing

@testable import MienMedia

@Suite("Decoding: frame times, counts and frame-exact seeking")
struct DecodeTests {
    /// Every frame's time and a checksum of its gray pixels, decoding from the start.
    static func sequential(_ path: String) throws -> [(time: Double, pts: Int64, sum: UInt64)] {
        let reader = try VideoReader(path: path)
        var frames: [(Double, Int64, UInt64)] = []
        try reader.read(sampling: .everyFrame) { sample in
            frames.append((sample.frame.time, sample.frame.pts, checksum(try sample.frame.image(PixelRequest(.gray)))))
        }
        return frames
    }

    @Test(arguments: ["h264", "hevc", "mpegts", "vfr", "oddSize"])
    func frameTimesMatchFFprobe(name: String) throws {
        let path = fixture(name)
        let start = Double(try Tool.ffprobe(path, ["-show_entries", "stream=start_time"]).first ?? "0") ?? 0
        let expected = try Tool.ffprobe(path, ["-show_entries", "frame=best_effort_timestamp_time"])
            .compactMap { Double($0.split(separator: ",")[0]) }.map { $0 - start }
        let ours = try Self.sequential(path).map(\.time)
        #expect(ours.count == expected.count)
        for (a, b) in zip(ours, expected) { #expect(abs(a - b) < 1e-5, "\(a) vs \(b)") }
        #expect(abs((ours.first ?? -1)) < 1e-9)  // times start at the stream's first frame
    }

    @Test(arguments: ["h264", "hevc", "mpegts", "vfr"])
    func seekingIsFrameExactAtEveryFrame(name: String) throws {
        let path = fixture(name)
        let frames = try Self.sequential(path)
        let reader = try VideoReader(path: path)
        // Visit every frame in a scrambled order, so seeks go forwards and backwards.
        let order = (0..<frames.count).map { ($0 * 7 + 3) % frames.count }
        for i in order {
            let start = frames[i].time
            let end = i + 1 < frames.count ? frames[i + 1].time : start + 1
            var got: [(Int64, UInt64)] = []
            try reader.read(range: TimeRange(start: start, end: end), sampling: .everyFrame) { sample in
                got.append((sample.frame.pts, checksum(try sample.frame.image(PixelRequest(.gray)))))
            }
            #expect(got.count == 1, "frame \(i) at \(start): got \(got.count) frames")
            #expect(got.first?.0 == frames[i].pts, "frame \(i): wrong frame")
            #expect(got.first?.1 == frames[i].sum, "frame \(i): pixels differ from sequential decoding")
        }
    }

    @Test(arguments: ["h264", "vfr", "mpegts"])
    func gridSamplingIsTheSameHoweverTheStreamIsSplit(name: String) throws {
        let path = fixture(name)
        let frames = try Self.sequential(path)
        let fps = 7.0
        let whole = try Self.grid(path, fps: fps, ranges: [.all])
        let split = try Self.grid(path, fps: fps, ranges: [
            TimeRange(start: 0, end: 0.5), TimeRange(start: 0.5, end: 1.3), TimeRange(start: 1.3, end: .infinity),
        ])
        #expect(whole.map(\.k) == Array(0..<whole.count))
        #expect(whole.count == split.count)
        for (a, b) in zip(whole, split) { #expect(a == b) }
        // Each grid point has the last frame at or before it.
        for pick in whole {
            let t = Double(pick.k) / fps
            let expected = frames.last { $0.time <= t + 1e-6 } ?? frames[0]
            #expect(pick.pts == expected.pts, "grid \(pick.k) at \(t)")
        }
        // The grid reaches the end of the last frame and no further.
        let lastEnd = frames.last!.time + (frames.count > 1 ? frames[frames.count - 1].time - frames[frames.count - 2].time : 0)
        #expect(Double(whole.count - 1) / fps < lastEnd + 1e-6)
        #expect(Double(whole.count) / fps >= lastEnd - 0.2)
    }

    @Test func gridOnWholeSecondsOfA25FpsClip() throws {
        let picks = try Self.grid(fixture("h264"), fps: 5, ranges: [.all])
        #expect(picks.count == 15)  // 0, 0.2, ... 2.8 for a 3 s clip
    }

    @Test func imageGivesOneFrameAtTimeZero() throws {
        let reader = try VideoReader(path: fixture("png"))
        var times: [Double] = []
        try reader.read(sampling: .grid(fps: 5)) { times.append($0.time) }
        #expect(times == [0])
    }

    @Test func invalidRangeIsAnError() throws {
        let reader = try VideoReader(path: fixture("h264"))
        #expect(throws: MediaError.self) { try reader.read(range: TimeRange(start: 2, end: 1), sampling: .everyFrame) { _ in } }
        #expect(throws: MediaError.self) { try reader.read(sampling: .grid(fps: 0)) { _ in } }
    }

    struct Pick: Equatable { let k: Int; let pts: Int64 }

    static func grid(_ path: String, fps: Double, ranges: [TimeRange]) throws -> [Pick] {
        let reader = try VideoReader(path: path)
        var picks: [Pick] = []
        for range in ranges {
            try reader.read(range: range, sampling: .grid(fps: fps)) { picks.append(Pick(k: $0.index, pts: $0.frame.pts)) }
        }
        return picks
    }
}

/// An order-sensitive checksum of an image's bytes.
func checksum(_ image: PixelImage) -> UInt64 {
    image.pixels.reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1)) &* 1099511628211 }
}
