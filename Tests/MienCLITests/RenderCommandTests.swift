import Foundation
import MienTestSupport
import Testing

/// `mien render` on synthetic clips, its output checked with ffprobe and ffmpeg.
@Suite("mien render, run as a user would")
final class RenderCommandTests {
    let clips = RenderClips.shared
    let scratch: ScratchFolder
    var root: String { scratch.path }
    /// Box colours of tracks 0 and 1 (`FaceOverlay.palette`).
    static let green = [0, 230, 64], orange = [255, 140, 0]

    init() throws {
        scratch = try ScratchFolder("mien-render")
    }

    func render(_ input: String, _ timeline: String, _ output: String, _ extra: [String] = []) throws -> Tool.Output {
        try MienBinary.run(["render", input, "--timeline", timeline, "-o", output] + extra)
    }

    /// Frame count, every frame's time, duration and size are the input's, and the audio is copied packet for packet.
    @Test func keepsFramesTimingSizeAndAudio() throws {
        let timeline = try scratch.write(RenderClips.gridTimeline(first: [100, 60, 80, 100], second: [200, 150, 60, 60]), "gray.timeline.jsonl")
        let output = root + "/out.mp4"
        let run = try render(clips.gray, timeline, output)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("rendered 50 frames") && run.stderr.contains("aac audio copied"), "\(run.stderr)")
        let input = VideoFile(path: clips.gray), rendered = VideoFile(path: output)
        let times = try rendered.frameTimes()
        #expect(times.count == 50)
        #expect(times == (try input.frameTimes()))
        #expect(abs(try rendered.duration() - input.duration()) < 1e-3)
        let size = try rendered.displayedSize()
        #expect(size.width == 320 && size.height == 240)
        #expect(try rendered.codec("v") == "h264")
        #expect(try rendered.codec("a") == "aac")
        #expect(try rendered.audioPackets() == (try input.audioPackets()))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root).filter { $0.contains("partial") }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
    }

    /// Box outlines are in the track's colour; inside and outside the boxes the frame is untouched;
    /// a face that appears at t = 1 s is drawn from the frame analysed then, not before.
    @Test func drawsEachBoxOnTheFramesItsRecordCovers() throws {
        let timeline = try scratch.write(RenderClips.gridTimeline(first: [100, 60, 80, 100], second: [200, 150, 60, 60]), "gray.timeline.jsonl")
        let output = root + "/out.mp4"
        let run = try render(clips.gray, timeline, output)
        #expect(run.status == 0, "\(run.stderr)")
        let rendered = VideoFile(path: output)
        let first = try rendered.rgbFrame(0)
        // Track 0: left and right edges (2 px lines at x 100-101 and 178-179), top and bottom edges.
        for (x, y) in [(100, 110), (101, 110), (178, 110), (140, 60), (140, 159)] {
            #expect(first.isNear(x, y, Self.green), "track 0's box at (\(x), \(y)) is \(first.pixel(x, y))")
        }
        // Inside the box, outside it, and where track 1 will be: background.
        for (x, y) in [(140, 110), (40, 200), (300, 20), (200, 180)] {
            #expect(first.isNear(x, y, RenderClips.background, tolerance: 12), "(\(x), \(y)) is \(first.pixel(x, y))")
        }
        // The label above the box: a tag in the track's colour with dark text.
        let tag = (50..<60).flatMap { y in (100..<180).map { x in first.pixel(x, y) } }
        #expect(tag.filter { zip($0, Self.green).allSatisfy { abs($0 - $1) <= 40 } }.count > 150)
        #expect(tag.filter { $0.allSatisfy { $0 < 60 } }.count > 20, "no dark text in the label")
        // Frame 24 (0.96 s) still shows the record of 0.8 s; frame 25 (1.0 s) the one with track 1.
        #expect(try rendered.rgbFrame(24).isNear(200, 180, RenderClips.background, tolerance: 12))
        let later = try rendered.rgbFrame(25)
        #expect(later.isNear(200, 180, Self.orange), "track 1's box is \(later.pixel(200, 180))")
        #expect(later.isNear(100, 110, Self.green))
    }

    /// A rotated input gives an upright output of the displayed size, boxes where the timeline (displayed pixels) puts them.
    @Test func drawsInDisplayedCoordinatesAndKeepsTheOrientation() throws {
        let timeline = try scratch.write(RenderClips.gridTimeline(first: [40, 200, 100, 80], second: [150, 20, 60, 60]), "rot.timeline.jsonl")
        let output = root + "/rotated.mp4"
        let run = try render(clips.rotated, timeline, output)
        #expect(run.status == 0, "\(run.stderr)")
        let rendered = VideoFile(path: output)
        let size = try rendered.displayedSize()
        #expect(size.width == 240 && size.height == 320)
        #expect(try rendered.rotation() == 0)
        #expect(try rendered.frameTimes().count == 50)
        let frame = try rendered.rgbFrame(0)
        #expect(frame.isNear(40, 240, Self.green), "left edge at (40, 240) is \(frame.pixel(40, 240))")
        #expect(frame.isNear(90, 240, RenderClips.background, tolerance: 12))
    }

    /// On a terminal (a pseudo-terminal from `script`) a progress bar of frames is drawn; in a pipe, none.
    @Test func progressBarOnATerminalOnly() throws {
        let timeline = try scratch.write(RenderClips.gridTimeline(first: [100, 60, 80, 100], second: [200, 150, 60, 60]), "gray.timeline.jsonl")
        let command = [MienBinary.path, "render", clips.gray, "--timeline", timeline, "-o", root + "/tty.mp4"].joined(separator: " ")
        let terminal = try Tool.run("script", ["-qec", command, "/dev/null"])
        #expect(terminal.status == 0, "\(terminal.stderr)")
        #expect(terminal.text.contains("] ") && terminal.text.contains("/50 frames, 0:00 elapsed"), "\(terminal.text)")
        let piped = try render(clips.gray, timeline, root + "/pipe.mp4")
        #expect(piped.status == 0 && !piped.stderr.contains("/50 frames"), "\(piped.stderr)")
    }

    /// MPEG-4 Part 2 on request, and Matroska keeps PCM audio that MP4 cannot hold.
    @Test func mpeg4IntoMatroskaWithPCMAudio() throws {
        let timeline = try scratch.write(RenderClips.gridTimeline(first: [100, 60, 80, 100], second: [200, 150, 60, 60]), "gray.timeline.jsonl")
        let output = root + "/out.mkv"
        let run = try render(clips.pcmAudio, timeline, output, ["--codec", "mpeg4"])
        #expect(run.status == 0, "\(run.stderr)")
        let rendered = VideoFile(path: output)
        #expect(try rendered.codec("v") == "mpeg4")
        #expect(try rendered.codec("a") == "pcm_s16le")
        #expect(try rendered.frameTimes() == (try VideoFile(path: clips.pcmAudio).frameTimes()))
        #expect(try rendered.rgbFrame(0).isNear(100, 110, Self.green))
    }
}
