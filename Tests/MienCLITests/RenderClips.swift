import Foundation
import MienTestSupport

/// Small inputs for `mien render`, made once per test process with ffmpeg, and
/// timelines written by hand for them: a plain gray background, so the pixels
/// where a box is drawn can be told from the rest.
final class RenderClips: Sendable {
    static let shared: RenderClips = {
        do { return try RenderClips() } catch { fatalError("cannot make the render test clips: \(error)") }
    }()

    let directory: String

    /// Gray 320x240, 25 fps, 2 s (50 frames), H.264 with B-frames, AAC audio.
    var gray: String { directory + "/gray.mp4" }
    /// The same pictures stored 320x240 with a display matrix turning them 90 degrees clockwise: shown 240x320.
    var rotated: String { directory + "/gray_rotated.mp4" }
    /// The gray clip in Matroska with PCM audio (which MP4 cannot hold).
    var pcmAudio: String { directory + "/gray_pcm.mkv" }

    /// The mid-gray of the clips, as RGB.
    static let background = [128, 128, 128]

    private init() throws {
        directory = NSTemporaryDirectory() + "mien-render-clips-\(getpid())"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "mien-render-clips-\(getpid())") }
        try Tool.ffmpeg(["-f", "lavfi", "-i", "color=c=0x808080:size=320x240:rate=25:duration=2",
                         "-f", "lavfi", "-i", "sine=frequency=440:duration=2",
                         "-c:v", "libx264", "-preset", "veryfast", "-g", "10", "-bf", "2", "-pix_fmt", "yuv420p",
                         "-c:a", "aac", "gray.mp4"], in: directory)
        // ffmpeg 5.1's "rotate" tag is the counter-clockwise angle a player undoes: 270 asks for 90 clockwise.
        try Tool.ffmpeg(["-i", "gray.mp4", "-c", "copy", "-metadata:s:v:0", "rotate=270", "gray_rotated.mp4"], in: directory)
        try Tool.ffmpeg(["-i", "gray.mp4", "-c:v", "copy", "-c:a", "pcm_s16le", "gray_pcm.mkv"], in: directory)
    }

    /// A face line for a timeline: track, box `[x, y, w, h]`, happy at 0.7.
    static func face(track: Int, box: [Int]) -> String {
        let probs = #"{"angry":0.05,"disgust":0.05,"fear":0.05,"happy":0.7,"sad":0.05,"surprise":0.05,"neutral":0.05}"#
        return #"{"track":\#(track),"box":[\#(box.map(String.init).joined(separator: ","))],"score":0.99,"#
            + #""landmarks":[[1,2],[3,4],[5,6],[7,8],[9,10]],"emotion":"happy","confidence":0.7,"probs":\#(probs)}"#
    }

    /// A record line at grid time `t` analysed on frame `frame` (25 fps) with `faces`.
    static func record(t: Double, frame: Int, faces: [String]) -> String {
        #"{"t":\#(t),"frame":\#(frame),"frame_t":\#(Double(frame) / 25),"status":"ok","faces":[\#(faces.joined(separator: ","))]}"#
    }

    /// A 5-per-second timeline of the gray clip: track 0 at `first` throughout, and
    /// track 1 at `second` from t = 1 s on.
    static func gridTimeline(first: [Int], second: [Int]) -> String {
        (0..<10).map { k in
            let t = Double(k) / 5
            let faces = [face(track: 0, box: first)] + (t >= 1 ? [face(track: 1, box: second)] : [])
            return record(t: t, frame: k * 5, faces: faces) + "\n"
        }.joined()
    }
}
