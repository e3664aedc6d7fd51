import Foundation
import MienMedia

/// One line of `mien probe --json`: the probe figures of an input, or its error.
struct ProbeRecord: Encodable {
    let result: Result<VideoInfo, MediaError>
    let path: String

    init(_ result: Result<VideoInfo, MediaError>, path: String) {
        self.result = result
        self.path = path
    }

    enum Key: String, CodingKey {
        case path, error, code, container, codec, width, height, rotation, fps, duration, frames
        case keyframes, vfr, audio, image
        case codedWidth = "coded_width", codedHeight = "coded_height", pixelFormat = "pixel_format"
        case timeBase = "time_base", startTime = "start_time", framesSource = "frames_source"
        case timestampResets = "timestamp_resets", sampleAspect = "sample_aspect_ratio"
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(path, forKey: .path)
        switch result {
        case .failure(let error):
            try c.encode(error.reason, forKey: .error)
            try c.encode(error.code.rawValue, forKey: .code)
        case .success(let info):
            try c.encode(info.container, forKey: .container)
            try c.encode(info.codec, forKey: .codec)
            try c.encode(info.pixelFormat, forKey: .pixelFormat)
            try c.encode(info.width, forKey: .width)
            try c.encode(info.height, forKey: .height)
            try c.encode(info.codedWidth, forKey: .codedWidth)
            try c.encode(info.codedHeight, forKey: .codedHeight)
            try c.encode(info.sampleAspect.map { "\($0.num):\($0.den)" } ?? "1:1", forKey: .sampleAspect)
            try c.encode(info.rotation, forKey: .rotation)
            try c.encode(info.fps, forKey: .fps)  // null for a still image
            try c.encode(info.timeBase.description, forKey: .timeBase)
            try c.encode(info.startTime, forKey: .startTime)
            try c.encode(info.duration, forKey: .duration)
            try c.encode(info.frames, forKey: .frames)
            try c.encode(info.framesSource.rawValue, forKey: .framesSource)
            try c.encode(info.keyframes, forKey: .keyframes)
            try c.encode(info.timestampResets, forKey: .timestampResets)
            try c.encode(info.vfr, forKey: .vfr)
            try c.encode(info.audio, forKey: .audio)
            try c.encode(info.isImage, forKey: .image)
        }
    }

    /// The record as one line of JSON.
    func jsonLine() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
