import Foundation

/// Small synthetic media files, made once per test process with the ffmpeg
/// command into a temporary folder: good clips of several kinds and every
/// kind of bad input the media module must reject or survive.
public final class Fixtures: Sendable {
    /// The fixtures of this test process.
    public static let shared: Fixtures = {
        do { return try Fixtures() } catch { fatalError("cannot make test fixtures: \(error)") }
    }()

    /// The folder holding them.
    public let directory: String

    private init() throws {
        directory = Self.folder(for: getpid())
        try? FileManager.default.removeItem(atPath: directory)
        atexit { try? FileManager.default.removeItem(atPath: Fixtures.folder(for: getpid())) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try FixtureRecipes.makeAll(in: directory)
    }

    private static func folder(for process: pid_t) -> String {
        NSTemporaryDirectory() + "mien-fixtures-\(process)"
    }

    /// The path of fixture `name`.
    public func path(_ name: String) -> String { directory + "/" + name }

    // Good inputs.
    /// h264, 160x120, 25 fps, 3 s, B-frames, keyframe every 10 frames, AAC audio.
    public var h264: String { path("h264_bframes.mp4") }
    /// HEVC in Matroska (no full index: keyframes come from a packet scan), 128x72, 24 fps, 2 s.
    public var hevc: String { path("hevc.mkv") }
    /// h264 at an odd size (97x61, 4:4:4), 10 fps, 1 s.
    public var oddSize: String { path("odd_97x61.mp4") }
    /// h264 in MPEG-TS, 30000/1001 fps, 2 s.
    public var mpegts: String { path("clip.ts") }
    /// `clip.ts` three times over, joined byte for byte: its timestamps start again twice.
    public var joined: String { path("joined.ts") }
    /// The last two thirds of a 3 s transport stream, cut at a packet boundary mid-GOP.
    public var cutMidGOP: String { path("cut_mid_gop.ts") }
    /// Two video streams, 96x64 and 64x48, 1 s each.
    public var twoCameras: String { path("two_cameras.mkv") }
    /// Raw H.264 (Annex B, no container, no timestamps), 96x64, 25 fps, 2 s, a keyframe every 10 frames.
    public var rawH264: String { path("raw.h264") }
    /// `clip.ts` followed by a 1 s part whose times start 0.5 s before `clip.ts` ends.
    public var overlap: String { path("overlap.ts") }
    /// `clip.ts` (96x64) followed by a 1 s part at 48x32: the resolution changes mid-stream.
    public var resized: String { path("resized.ts") }
    /// 64x48 coded, display matrix asking for a 90 degree clockwise turn.
    public var rotated90: String { path("rotate90.mp4") }
    /// 64x48 coded, display matrix asking for a 270 degree clockwise turn.
    public var rotated270: String { path("rotate270.mp4") }
    /// Anamorphic h264, coded 72x48, 0.5 s: pixels of 4:3 (displayed 96x48, HDV's shape) and
    /// 8:9 (displayed 64x48, DV's); a white bar on black at displayed columns 48-63 and 32-47.
    public var anamorphicWide: String { path("anamorphic_4x3.mp4") }
    public var anamorphicNarrow: String { path("anamorphic_8x9.mp4") }
    /// `anamorphicWide` with a display matrix asking for a 90 degree clockwise turn (displayed 48x96).
    public var anamorphicRotated: String { path("anamorphic_rotated.mp4") }
    /// A 128x32 gray ramp (limited range 16 to 235, left to right), 5 fps, 0.4 s: as standard-range
    /// h264, and as 10-bit HEVC in HLG and in PQ with standard white at HDR reference white (203 nits).
    public var rampSDR: String { path("ramp_sdr.mp4") }
    public var rampHLG: String { path("ramp_hlg.mp4") }
    public var rampPQ: String { path("ramp_pq.mp4") }
    /// The HLG ramp in full range.
    public var rampHLGFull: String { path("ramp_hlg_full.mp4") }
    /// An 80x60 JPEG whose JFIF density says 2:1 pixels (viewers show photos square regardless).
    public var wideDensityJPEG: String { path("wide_density.jpg") }
    /// Variable frame rate: 20 frames 40 ms apart, then 10 frames 100 ms apart.
    public var vfr: String { path("vfr.mp4") }
    /// A uniform limited-range black frame then a white one (for range checks).
    public var blackWhite: String { path("black_white.mp4") }
    /// A JPEG and a PNG still.
    public var jpeg: String { path("still.jpg") }
    public var png: String { path("still.png") }
    /// A PNG whose name looks like an image-sequence pattern, beside files the pattern would match.
    public var patternNamedImage: String { path("seq%03d.png") }

    // Bad inputs.
    /// h264 MP4 with random bytes over the middle of its media data.
    public var corruptMiddle: String { path("corrupt_middle.mp4") }
    /// The first half of a fast-start MP4 (index at the front, data cut off).
    public var truncatedIndexFirst: String { path("truncated_faststart.mp4") }
    /// A 4 s, 25 fps Matroska (and an MJPEG AVI) whole, and its first half
    /// (cut off while recording: the header still says 4 s).
    public var wholeMKV: String { path("whole.mkv") }
    public var truncatedMKV: String { path("truncated.mkv") }
    public var wholeAVI: String { path("whole.avi") }
    public var truncatedAVI: String { path("truncated.avi") }
    /// A whole Matroska file whose 2 s of video start 1.5 s after its 4 s of audio.
    public var lateVideoMKV: String { path("late_video.mkv") }
    /// The first half of an MP4 whose index is at the end (so the index is lost).
    public var truncatedIndexLast: String { path("truncated_moov_last.mp4") }
    /// Random bytes.
    public var noise: String { path("noise.mp4") }
    /// A text file.
    public var text: String { path("notes.txt") }
    /// A file of zero bytes.
    public var empty: String { path("empty.mp4") }
    /// AAC audio only.
    public var audioOnly: String { path("audio_only.m4a") }
    /// An AVI whose video codec tag is unknown ('QQQQ').
    public var unknownCodec: String { path("unknown_codec.avi") }
    /// A Y4M header claiming 40000x40000 (FFmpeg itself refuses it).
    public var hugeRefusedByFFmpeg: String { path("huge_40000.y4m") }
    /// A Y4M header claiming 20000x20000 (allowed by FFmpeg, over Mien's limit).
    public var hugeOverLimit: String { path("huge_20000.y4m") }
    /// An HLS playlist naming local segment files.
    public var hlsPlaylist: String { path("hls/playlist.m3u8") }
    /// An ffconcat list naming two local videos.
    public var concatList: String { path("list.ffconcat") }
}
