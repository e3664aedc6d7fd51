import Foundation
import MienTestSupport

/// What ffprobe and ffmpeg say about a video file, for checking `mien render`'s output
/// against its input with tools other than Mien's own.
struct VideoFile {
    let path: String

    /// Every video frame's presentation time in seconds, in order (decoded, as ffprobe's -show_frames).
    func frameTimes() throws -> [Double] {
        // A frame with side data prints a trailing comma (and a line of its own for the side data): take the first field.
        try Tool.ffprobe(path, ["-show_entries", "frame=best_effort_timestamp_time"])
            .compactMap { $0.split(separator: ",").first.flatMap { Double($0) } }
    }

    /// The video stream's duration in seconds.
    func duration() throws -> Double {
        try Double(Tool.ffprobe(path, ["-show_entries", "stream=duration"]).first ?? "") ?? -1
    }

    /// Width and height as a player shows them (the display rotation applied).
    func displayedSize() throws -> (width: Int, height: Int) {
        let size = try Tool.ffprobe(path, ["-show_entries", "stream=width,height"]).first?.split(separator: ",").compactMap { Int($0) } ?? []
        let turned = try rotation() % 180 != 0
        guard size.count == 2 else { throw FixtureError("\(path): no video size") }
        return turned ? (size[1], size[0]) : (size[0], size[1])
    }

    /// The display rotation in degrees as ffprobe gives it (0 when none).
    func rotation() throws -> Int {
        let value = try Tool.ffprobe(path, ["-show_entries", "stream_side_data=rotation"]).first
        return Int(value ?? "0").map { abs($0) } ?? 0
    }

    /// The codec of the first stream of `kind` (`v` or `a`), nil when there is none.
    func codec(_ kind: String) throws -> String? {
        let result = try Tool.run("ffprobe", ["-v", "error", "-select_streams", "\(kind):0", "-show_entries", "stream=codec_name",
                                              "-of", "csv=p=0", path])
        let name = result.text.trimmingCharacters(in: .whitespacesAndNewlines)
        return name.isEmpty ? nil : name
    }

    /// The audio packets' times and sizes, `pts_time,size` per packet.
    func audioPackets() throws -> [String] {
        let result = try Tool.run("ffprobe", ["-v", "error", "-select_streams", "a:0", "-show_entries", "packet=pts_time,size",
                                              "-of", "csv=p=0", path])
        return result.text.split(separator: "\n").map(String.init)
    }

    /// Frame `index` (in presentation order) as RGB, upright, from ffmpeg.
    func rgbFrame(_ index: Int) throws -> RGBFrame {
        let (width, height) = try displayedSize()
        let result = try Tool.run("ffmpeg", ["-nostdin", "-v", "error", "-i", path, "-vf", "select=eq(n\\,\(index))",
                                             "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        guard result.status == 0, result.stdout.count == width * height * 3 else {
            throw FixtureError("cannot read frame \(index) of \(path): \(result.stderr)")
        }
        return RGBFrame(width: width, height: height, bytes: [UInt8](result.stdout))
    }
}

/// One decoded RGB frame.
struct RGBFrame {
    let width: Int
    let height: Int
    let bytes: [UInt8]

    /// The colour at (`x`, `y`).
    func pixel(_ x: Int, _ y: Int) -> [Int] {
        let at = (y * width + x) * 3
        return [Int(bytes[at]), Int(bytes[at + 1]), Int(bytes[at + 2])]
    }

    /// Whether the pixel at (`x`, `y`) is within `tolerance` of `color` in every channel.
    func isNear(_ x: Int, _ y: Int, _ color: [Int], tolerance: Int = 40) -> Bool {
        zip(pixel(x, y), color).allSatisfy { abs($0 - $1) <= tolerance }
    }
}
