import Foundation
import MienTestSupport
import Testing

@testable import MienMedia

@Suite("Probing good inputs")
struct ProbeTests {
    let fx = Fixtures.shared

    @Test func h264InMP4() throws {
        let info = try VideoProber.probe(fx.h264)
        #expect(info.container.contains("mp4"))
        #expect(info.codec == "h264")
        #expect((info.width, info.height) == (160, 120))
        #expect((info.codedWidth, info.codedHeight) == (160, 120))
        #expect(info.rotation == 0)
        #expect(abs((info.fps ?? 0) - 25) < 1e-9)
        #expect(abs(info.duration - 3) < 0.05)
        #expect(info.frames == 75)
        #expect(info.framesSource == .index)
        #expect(info.keyframes == 8)  // one every 10 frames
        #expect(!info.vfr)
        #expect(info.audio)
        #expect(!info.isImage)
    }

    @Test(arguments: ["h264", "hevc", "oddSize", "mpegts", "vfr", "rotated90"])
    func frameCountMatchesFFprobe(name: String) throws {
        let path = fixture(name)
        let expected = try Tool.ffprobe(path, ["-count_frames", "-show_entries", "stream=nb_read_frames"])
        let counted = try VideoProber.probe(path, countFrames: true)
        #expect(counted.framesSource == .decoded)
        #expect(String(counted.frames) == expected.first?.split(separator: ",").first.map(String.init))
        // Without decoding, the index or the packet scan gives the same count here.
        #expect(try VideoProber.probe(path).frames == counted.frames)
    }

    @Test(arguments: ["h264", "hevc", "mpegts", "vfr"])
    func keyframesMatchFFprobe(name: String) throws {
        let path = fixture(name)
        let packets = try Tool.ffprobe(path, ["-show_entries", "packet=pts_time,flags"])
        let start = Double(try Tool.ffprobe(path, ["-show_entries", "stream=start_time"]).first ?? "0") ?? 0
        let expected = packets.compactMap { line -> Double? in
            let parts = line.split(separator: ",")
            guard parts.count == 2, parts[1].contains("K"), let t = Double(parts[0]) else { return nil }
            return t - start
        }.sorted()
        let info = try VideoProber.probe(path)
        #expect(info.keyframes == expected.count)
        for (ours, theirs) in zip(info.keyframeTimes, expected) { #expect(abs(ours - theirs) < 1e-3) }
    }

    /// Each keyframe's frame index is its position among the decoded frames
    /// (presentation order), also where the stream starts with frames that
    /// cannot be decoded (shards take their frame numbers from it).
    @Test(arguments: ["h264", "hevc", "mpegts", "vfr", "cutMidGOP"])
    func keyframeFramesAreTheirIndices(name: String) throws {
        let path = fixture(name)
        let info = try VideoProber.probe(path)
        let reader = try VideoReader(path: path)
        var keyIndices: [Int] = []
        var index = 0
        while let frame = try reader.nextFrame() {
            if frame.isKeyframe { keyIndices.append(index) }
            index += 1
        }
        #expect(info.keyframeFrames.count == info.keyframes)
        #expect(info.keyframeFrames == keyIndices, "\(name)")
    }

    /// A Matroska or AVI file cut off ends without a read error; the probe
    /// sees its data end before the length its header gives. A whole one,
    /// and an AVI whose dropped frames leave gaps, do not.
    @Test func aFileCutOffIsSeenToEndEarly() throws {
        for path in [fx.truncatedMKV, fx.truncatedAVI] {
            let info = try VideoProber.probe(path)
            let end = try #require(info.dataEnd, "\(path)")
            #expect(abs(info.duration - 4) < 0.05, "\(path): \(info.duration)")
            #expect(end > 0.5 && end < 3, "\(path): data ends at \(end)")
        }
        for path in [fx.wholeMKV, fx.wholeAVI, fx.hevc, fx.mpegts, fx.joined, fx.vfr, fx.lateVideoMKV] {
            #expect(try VideoProber.probe(path).dataEnd == nil, "\(path)")
        }
        // The DURATION tag is the video's end time: its length is that less its start.
        #expect(abs(try VideoProber.probe(fx.lateVideoMKV).duration - 2) < 0.05)
        #expect(VideoProber.clockSeconds("01:02:03.500000000") == 3723.5)
        #expect(VideoProber.clockSeconds("00:61:00.0") == nil && VideoProber.clockSeconds("8.008") == nil)
    }

    /// A two-camera file: FFmpeg's best stream by default, or the one asked
    /// for (counted among the video streams from 0); one that is not there is an error.
    @Test func theVideoStreamAskedForIsRead() throws {
        let chosen = try VideoProber.probe(fx.twoCameras)
        #expect(chosen.videoStreams == 2)
        let first = try VideoProber.probe(fx.twoCameras, options: MediaOpenOptions(videoStream: 0))
        let second = try VideoProber.probe(fx.twoCameras, options: MediaOpenOptions(videoStream: 1))
        #expect((first.width, first.height, first.streamIndex) == (96, 64, 0))
        #expect((second.width, second.height, second.streamIndex) == (64, 48, 1))
        let reader = try VideoReader(path: fx.twoCameras, options: MediaOpenOptions(videoStream: 1))
        #expect(try reader.nextFrame()?.image(PixelRequest(.gray)).width == 64)
        do {
            _ = try VideoProber.probe(fx.twoCameras, options: MediaOpenOptions(videoStream: 2))
            Issue.record("stream 2 of 2 was opened")
        } catch {
            #expect(error.code == .noVideoStream && error.message.contains("no video stream 2: the file has 2"), "\(error)")
        }
    }

    @Test func matroskaWithoutFullIndexIsScanned() throws {
        let info = try VideoProber.probe(fx.hevc)
        #expect(info.codec == "hevc")
        #expect(info.container.contains("matroska"))
        #expect(info.framesSource == .packets)
        #expect((info.width, info.height) == (128, 72))
    }

    /// A live Matroska (what a browser's MediaRecorder writes) has no duration
    /// in its header; the packet scan gives it, or the whole video would be
    /// one shard.
    @Test func aHeaderWithoutADurationGetsItFromThePackets() throws {
        let path = NSTemporaryDirectory() + "mien-live-\(getpid())-\(UUID().uuidString.prefix(8)).mkv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Tool.ffmpeg(["-i", fx.h264, "-c:v", "copy", "-an", "-f", "matroska", "-live", "1", path])
        let info = try VideoProber.probe(path)
        #expect(info.framesSource == .packets && info.frames == 75)
        #expect(abs(info.duration - 3) < 0.05, "75 frames at 25 a second: \(info.duration)")
    }

    @Test func oddSize() throws {
        let info = try VideoProber.probe(fx.oddSize)
        #expect((info.width, info.height) == (97, 61))
    }

    @Test(arguments: [("rotated90", 90), ("rotated270", 270)])
    func rotationSwapsDisplayedSize(name: String, degrees: Int) throws {
        let info = try VideoProber.probe(fixture(name))
        #expect(info.rotation == degrees)
        #expect((info.codedWidth, info.codedHeight) == (64, 48))
        #expect((info.width, info.height) == (48, 64))
    }

    @Test func variableFrameRate() throws {
        #expect(try VideoProber.probe(fx.vfr).vfr)
        #expect(try !VideoProber.probe(fx.mpegts).vfr)
        #expect(try !VideoProber.probe(fx.hevc).vfr)
    }

    @Test(arguments: ["jpeg", "png"])
    func stillImagesAreOneFrame(name: String) throws {
        let info = try VideoProber.probe(fixture(name), countFrames: true)
        #expect(info.isImage)
        #expect(info.frames == 1)
        #expect(info.fps == nil)
        #expect(info.duration == 0)
        #expect((info.width, info.height) == (80, 60))
    }

    @Test func patternLikeNameIsOneImageNotASequence() throws {
        let info = try VideoProber.probe(fx.patternNamedImage, countFrames: true)
        #expect(info.isImage)
        #expect(info.frames == 1)
    }

    @Test func frameTimingJudgement() {
        #expect(!FrameTiming.isVariable([0, 1001, 2002, 3003, 4004]))
        #expect(!FrameTiming.isVariable([0, 33, 67, 100, 133, 167, 200]))  // ms rounding of 29.97 fps
        #expect(FrameTiming.isVariable([0, 40, 80, 120, 220, 320]))
        #expect(!FrameTiming.isVariable([0, 40]))
    }
}

/// The fixture named like a `Fixtures` property.
func fixture(_ name: String) -> String {
    let fx = Fixtures.shared
    let all: [String: String] = [
        "h264": fx.h264, "hevc": fx.hevc, "oddSize": fx.oddSize, "mpegts": fx.mpegts, "joined": fx.joined,
        "cutMidGOP": fx.cutMidGOP,
        "rotated90": fx.rotated90, "rotated270": fx.rotated270, "vfr": fx.vfr, "jpeg": fx.jpeg, "png": fx.png,
        "blackWhite": fx.blackWhite, "corruptMiddle": fx.corruptMiddle, "noise": fx.noise, "text": fx.text,
        "empty": fx.empty, "audioOnly": fx.audioOnly, "unknownCodec": fx.unknownCodec,
        "hugeRefusedByFFmpeg": fx.hugeRefusedByFFmpeg, "hugeOverLimit": fx.hugeOverLimit,
        "truncatedIndexFirst": fx.truncatedIndexFirst, "truncatedIndexLast": fx.truncatedIndexLast,
        "hlsPlaylist": fx.hlsPlaylist, "concatList": fx.concatList,
    ]
    guard let path = all[name] else { fatalError("no fixture named \(name)") }
    return path
}
