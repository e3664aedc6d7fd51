import Foundation
import MienTestSupport
import Testing

/// `mien render` refuses what it cannot draw, with the file and the cause, exit code 1,
/// and leaves nothing behind.
@Suite("mien render, bad input")
final class RenderBadInputTests {
    let clips = RenderClips.shared
    let scratch: ScratchFolder
    var root: String { scratch.path }
    let output: String

    init() throws {
        scratch = try ScratchFolder("mien-render-bad")
        output = scratch.path + "/out.mp4"
    }

    var goodTimeline: String { RenderClips.gridTimeline(first: [100, 60, 80, 100], second: [200, 150, 60, 60]) }

    /// Runs render and expects it to fail with `words` in the message and no output file (nor a temporary one).
    func expectRefused(_ arguments: [String], _ words: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let run = try MienBinary.run(["render"] + arguments)
        #expect(run.status == 1, "exit \(run.status): \(run.stderr)", sourceLocation: sourceLocation)
        for word in words {
            #expect(run.stderr.contains(word), "'\(word)' not in: \(run.stderr)", sourceLocation: sourceLocation)
        }
        #expect(!run.stderr.contains("Fatal error"), sourceLocation: sourceLocation)
        let left = try FileManager.default.contentsOfDirectory(atPath: root).filter { $0.hasSuffix(".mp4") || $0.contains("partial") }
        #expect(left.isEmpty, "left behind: \(left)", sourceLocation: sourceLocation)
    }

    @Test func timestampsPastTheVideosEnd() throws {
        let timeline = try scratch.write(goodTimeline + RenderClips.record(t: 4.2, frame: 105, faces: []) + "\n", "long.timeline.jsonl")
        try expectRefused([clips.gray, "--timeline", timeline, "-o", output],
                          [timeline, "line 11", "t = 4.2 s is past the end of \(clips.gray)", "another video"])
    }

    @Test func boxesOutsideTheFrame() throws {
        let timeline = try scratch.write(RenderClips.gridTimeline(first: [500, 60, 80, 100], second: [0, 0, 10, 10]), "wide.timeline.jsonl")
        try expectRefused([clips.gray, "--timeline", timeline, "-o", output], [timeline, "line 1", "outside", "320x240"])
    }

    @Test func aMetaFileOfAnotherVideo() throws {
        let timeline = try scratch.write(goodTimeline, "other.timeline.jsonl")
        let meta = #"{"schema":"mien.timeline","schema_version":1,"status":"complete","input":{"path":"other.mp4","bytes":1234},"#
            + #""probe":{"width":640,"height":360,"duration":2.0}}"#
        _ = try scratch.write(meta, "other.meta.json")
        try expectRefused([clips.gray, "--timeline", timeline, "-o", output],
                          ["made from other.mp4", "640x360", "\(clips.gray) is 320x240", "not the same video"])
        // Same size and duration, another file: the byte count tells.
        _ = try scratch.write(meta.replacingOccurrences(of: "640", with: "320").replacingOccurrences(of: "360", with: "240"), "other.meta.json")
        try expectRefused([clips.gray, "--timeline", timeline, "-o", output], ["1234 bytes", "not the same video"])
    }

    /// A timeline of anamorphic video from before Mien stretched non-square
    /// pixels (boxes in coded pixels) is refused with the reason, not as another video.
    @Test func aTimelineInCodedPixelsOfAnamorphicVideo() throws {
        let video = Fixtures.shared.anamorphicWide  // coded 72x48, shown 96x48, 0.5 s
        let timeline = try scratch.write(RenderClips.record(t: 0, frame: 0, faces: []) + "\n", "old.timeline.jsonl")
        let meta = #"{"schema":"mien.timeline","schema_version":1,"status":"complete","input":{"path":"anamorphic_4x3.mp4","bytes":null},"#
            + #""probe":{"width":72,"height":48,"duration":0.5}}"#
        _ = try scratch.write(meta, "old.meta.json")
        try expectRefused([video, "--timeline", timeline, "-o", output],
                          ["at its coded size, 72x48", "did not yet stretch non-square pixels", "96x48", "analyse it again"])
    }

    @Test func aDamagedLine() throws {
        let lines = goodTimeline.split(separator: "\n")
        let damaged = lines[0] + "\n" + lines[1].prefix(40) + "\n" + lines[2...].joined(separator: "\n") + "\n"
        let timeline = try scratch.write(String(damaged), "damaged.timeline.jsonl")
        try expectRefused([clips.gray, "--timeline", timeline, "-o", output], [timeline, "line 2 is not a timeline record"])
    }

    @Test func timeGoingBackAndAnEmptyTimeline() throws {
        let lines = goodTimeline.split(separator: "\n")
        let swapped = try scratch.write([lines[1], lines[0]].joined(separator: "\n") + "\n", "swapped.timeline.jsonl")
        try expectRefused([clips.gray, "--timeline", swapped, "-o", output], [swapped, "line 2", "time order"])
        let empty = try scratch.write("", "empty.timeline.jsonl")
        try expectRefused([clips.gray, "--timeline", empty, "-o", output], [empty, "no timeline records"])
    }

    @Test func missingInputAndTimeline() throws {
        let timeline = try scratch.write(goodTimeline, "gray.timeline.jsonl")
        let missing = root + "/missing.mp4"
        try expectRefused([missing, "--timeline", timeline, "-o", output], [missing])
        try expectRefused([clips.gray, "--timeline", root + "/none.timeline.jsonl", "-o", output], ["none.timeline.jsonl", "no such file"])
    }

    @Test func outputsThatCannotBeWritten() throws {
        let timeline = try scratch.write(goodTimeline, "gray.timeline.jsonl")
        try expectRefused([clips.gray, "--timeline", timeline, "-o", root + "/no/such/folder/out.mp4"], ["does not exist"])
        try expectRefused([clips.gray, "--timeline", timeline, "-o", timeline + "/out.mp4"], ["is not a folder"])
        try expectRefused([clips.gray, "--timeline", timeline, "-o", root], ["is a folder"])
        try expectRefused([clips.gray, "--timeline", timeline, "-o", root + "/out.xyz"], ["out.xyz", "cannot tell the container"])
        try expectRefused([clips.gray, "--timeline", timeline, "-o", clips.gray], ["is the input video"])
        try expectRefused([clips.gray, "--timeline", timeline, "-o", root + "/frame%03d.png"], ["image2 muxer writes images, not a video"])
        try expectRefused([clips.gray, "--timeline", timeline, "-o", root + "/out.webm"], ["webm container cannot hold", "video"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: root).filter { $0.hasSuffix(".png") || $0.hasSuffix(".webm") }.isEmpty)
    }

    @Test func audioTheContainerCannotHold() throws {
        let timeline = try scratch.write(goodTimeline, "gray.timeline.jsonl")
        try expectRefused([clips.pcmAudio, "--timeline", timeline, "-o", output], ["cannot hold the input's pcm_s16le audio", "--no-audio"])
        let run = try MienBinary.run(["render", clips.pcmAudio, "--timeline", timeline, "-o", output, "--no-audio"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try VideoFile(path: output).codec("a") == nil)
        #expect(try VideoFile(path: output).frameTimes().count == 50)
    }
}
