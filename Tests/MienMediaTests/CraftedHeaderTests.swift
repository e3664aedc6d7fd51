import Foundation
import MienTestSupport
import Testing

@testable import MienMedia

/// Header and timestamp fields of real files set to the values that break
/// arithmetic (0, 1, 0xFFFF, 2^31 - 1, 2^31, 2^32 - 1, and for 64-bit fields
/// 2^63 - 1, 2^63, 2^64 - 1 and "negative" ones). Probing and reading each
/// must give either sane figures or a `MediaError` naming the file: a trap
/// ends the test process, so getting through a case at all is half the check.
@Suite("Crafted header values give sane figures or clear errors, never a trap")
struct CraftedHeaderTests {
    static let values32: [UInt64] = [0, 1, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF]
    static let values64: [UInt64] = values32 + [0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, .max, .max - 999, 1 << 62]

    /// A field of the MP4 fixture: its box and its offset in the box's payload (version 0 layouts).
    struct Field: CustomStringConvertible, Sendable {
        let path: [String]
        let offset: Int
        let bytes: Int
        var description: String { "\(path.last!)@\(offset)" }
    }

    static let mp4Fields: [Field] = [
        Field(path: ["moov", "mvhd"], offset: 12, bytes: 4),  // timescale
        Field(path: ["moov", "mvhd"], offset: 16, bytes: 4),  // duration
        Field(path: ["moov", "trak", "tkhd"], offset: 20, bytes: 4),  // duration
        Field(path: ["moov", "trak", "edts", "elst"], offset: 8, bytes: 4),  // segment duration
        Field(path: ["moov", "trak", "edts", "elst"], offset: 12, bytes: 4),  // media time
        Field(path: ["moov", "trak", "mdia", "mdhd"], offset: 12, bytes: 4),  // timescale
        Field(path: ["moov", "trak", "mdia", "mdhd"], offset: 16, bytes: 4),  // duration
        Field(path: MP4Boxes.sampleTable + ["stts"], offset: 8, bytes: 4),  // first run's sample count
        Field(path: MP4Boxes.sampleTable + ["stts"], offset: 12, bytes: 4),  // first run's sample delta
        Field(path: MP4Boxes.sampleTable + ["ctts"], offset: 12, bytes: 4),  // first composition offset
        Field(path: MP4Boxes.sampleTable + ["stsz"], offset: 12, bytes: 4),  // first sample size
        Field(path: MP4Boxes.sampleTable + ["stss"], offset: 8, bytes: 4),  // first keyframe number
    ]

    static var mp4Cases: [(Field, UInt64)] { mp4Fields.flatMap { field in values32.map { (field, $0) } } }

    @Test(arguments: mp4Cases)
    func mp4HeaderField(field: Field, value: UInt64) throws {
        var file = MP4Boxes(try Data(contentsOf: URL(fileURLWithPath: Fixtures.shared.path("full.mp4"))))
        try file.set(field.path, offset: field.offset, value, bytes: field.bytes)
        try Self.check(file.data, name: "\(field.path.last!)-\(field.offset)-\(value).mp4")
    }

    /// 64-bit chunk offsets (`co64`) near the top of the range: an index
    /// entry's end (`pos + size`) is where the container index trapped on
    /// overflow. (FFmpeg's MP4 reader stops indexing before that; the check
    /// stays for other containers.)
    @Test(arguments: values64)
    func mp4ChunkOffsets(value: UInt64) throws {
        var file = MP4Boxes(try Data(contentsOf: URL(fileURLWithPath: Fixtures.shared.path("full.mp4"))))
        try file.setChunkOffsets64 { offsets in offsets.map { _ in value } }
        try Self.check(file.data, name: "co64-\(value).mp4")
        var last = MP4Boxes(try Data(contentsOf: URL(fileURLWithPath: Fixtures.shared.path("full.mp4"))))
        try last.setChunkOffsets64 { offsets in offsets.enumerated().map { $0.offset == offsets.count - 1 ? value : $0.element } }
        try Self.check(last.data, name: "co64-last-\(value).mp4")
    }

    /// Cluster timestamps of a Matroska file (64-bit, unsigned in the format,
    /// signed once FFmpeg has read them) set to the table's values, two clusters at a time.
    static var clusterCases: [[UInt64]] {
        values64.flatMap { first in [[first, 0], [0, first], [first, .max - first], [first, first &+ 1]] }
    }

    @Test(arguments: clusterCases)
    func matroskaClusterTimestamps(values: [UInt64]) throws {
        guard let base = Self.liveMatroska else { throw FixtureFailure("ffmpeg could not write the Matroska base file") }
        let data = try MatroskaClusters.settingTimecodes(of: base, to: values)
        try Self.check(data, name: "clusters-\(values.map(String.init).joined(separator: "-")).mkv")
    }

    @Test func timestampsBeyondAnyVideoAreRefusedByName() throws {
        // Time base 1/1 (mdhd timescale 1) and 2^31 - 1 ticks a frame: the second keyframe is 1,700 years in.
        var file = MP4Boxes(try Data(contentsOf: URL(fileURLWithPath: Fixtures.shared.path("full.mp4"))))
        try file.set(["moov", "trak", "mdia", "mdhd"], offset: 12, 1, bytes: 4)
        try file.set(MP4Boxes.sampleTable + ["stts"], offset: 12, 0x7FFF_FFFF, bytes: 4)
        let path = try Self.write(file.data, name: "stts-1700-years.mp4")
        do {
            _ = try VideoProber.probe(path)
            Issue.record("the probe accepted a keyframe 1,700 years in")
        } catch {
            Self.expectRefusedKeyframe(error, path: path)
        }
        do {
            _ = try VideoReader(path: path)
            Issue.record("the reader accepted a keyframe 1,700 years in")
        } catch {
            Self.expectRefusedKeyframe(error, path: path)
        }
    }

    static func expectRefusedKeyframe(_ error: MediaError, path: String) {
        #expect(error.code == .badHeader, "\(error)")
        #expect(error.description.hasPrefix(path + ": damaged timestamps: keyframe timestamp "), "\(error)")
        #expect(error.message.contains("beyond any real video"), "\(error)")
    }

    /// The media fuzz target's committed seeds go through the same steps; the
    /// real clips among them (all but `crash-*` ones) must probe.
    @Test func everyFuzzSeedProbesOrGivesAnError() throws {
        let folder = RepositoryFiles.path("Fuzz/Seeds/media")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(names.count >= 14)
        for name in names {
            let path = try Self.check(try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)), name: "seed-" + name)
            if !name.hasPrefix("crash-") { #expect(throws: Never.self, "\(name)") { try VideoProber.probe(path) } }
        }
    }

    // MARK: - Running a crafted file

    /// Writes `data`, probes it and reads it as `mien probe` and `mien analyze` do; returns the path.
    @discardableResult
    static func check(_ data: Data, name: String) throws -> String {
        let path = try write(data, name: name)
        let info: VideoInfo
        do { info = try VideoProber.probe(path) } catch {
            #expect(error.path == path && error.description.hasPrefix(path + ": "), "\(error)")
            return path
        }
        #expect(info.duration.isFinite && info.duration >= 0 && info.duration <= TimestampMath.maxSeconds, "\(name): \(info.duration)")
        #expect(info.keyframeTimes.allSatisfy { $0.isFinite && $0.magnitude <= TimestampMath.maxSeconds }, "\(name)")
        #expect(info.frames >= 0)
        #expect((try? JSONEncoder().encode(info)) != nil, "\(name): the probe must encode as JSON")
        do {
            let reader = try VideoReader(path: path)
            var frames = 0
            try reader.read(sampling: .everyFrame) { sample in
                #expect(sample.frame.time.isFinite && sample.frame.time.magnitude <= TimestampMath.maxSeconds * 2, "\(name)")
                #expect(sample.frame.duration.isFinite && sample.frame.duration <= TimestampMath.maxFrameSeconds, "\(name)")
                frames += 1
                if frames == 60 { throw Enough() }
            }
            let grid = try VideoReader(path: path)
            var picks = 0
            try grid.read(range: TimeRange(start: info.keyframeTimes.dropFirst().first.map { max(0, $0) } ?? 0, end: .infinity),
                          sampling: .grid(fps: 25)) { _ in
                picks += 1
                if picks == 60 { throw Enough() }
            }
        } catch is Enough {
        } catch let error as MediaError {
            #expect(error.path == path, "\(error)")
        }
        return path
    }

    static func write(_ data: Data, name: String) throws -> String {
        let path = folder + "/" + name
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Where the crafted files go (removed when the test process ends).
    static let folder: String = {
        let path = NSTemporaryDirectory() + "mien-crafted-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "mien-crafted-\(getpid())") }
        return path
    }()

    /// H.264 in Matroska written to a pipe (unknown sizes, no cues), three clusters of 0.4 s.
    static let liveMatroska: Data? = {
        let result = try? Tool.run("ffmpeg", [
            "-nostdin", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=10", "-t", "1.2",
            "-c:v", "libx264", "-g", "4", "-pix_fmt", "yuv420p", "-cluster_time_limit", "400", "-f", "matroska", "pipe:1",
        ])
        return result?.status == 0 ? result?.stdout : nil
    }()

    /// Thrown to stop a read after enough frames.
    struct Enough: Error {}
}
