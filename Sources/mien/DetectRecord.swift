import Foundation
import MienFace
import MienMedia

/// One line of `mien detect --json`: the faces of one frame, or an input's error.
enum DetectRecord: Encodable {
    /// The faces found in the frame of `path` at `time` seconds.
    case frame(path: String, time: Double, faces: [FaceDetection])
    /// `path` could not be read (entirely or from some frame on).
    case failure(path: String, error: String, code: String)

    /// A failure record for any error: media errors carry their reason and code.
    static func failure(path: String, _ error: any Error) -> DetectRecord {
        switch error {
        case let media as MediaError: .failure(path: path, error: media.reason, code: media.code.rawValue)
        default: .failure(path: path, error: "\(error)", code: "detect_failed")
        }
    }

    enum Key: String, CodingKey { case path, t, faces, error, code }
    enum FaceKey: String, CodingKey { case box, score, landmarks }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        switch self {
        case .failure(let path, let error, let code):
            try c.encode(path, forKey: .path)
            try c.encode(error, forKey: .error)
            try c.encode(code, forKey: .code)
        case .frame(let path, let time, let faces):
            try c.encode(path, forKey: .path)
            try c.encode(Self.rounded(time, 6), forKey: .t)
            var list = c.nestedUnkeyedContainer(forKey: .faces)
            for face in faces {
                var f = list.nestedContainer(keyedBy: FaceKey.self)
                try f.encode(Self.box(face), forKey: .box)
                try f.encode(Self.rounded(face.score, 6), forKey: .score)
                try f.encode(face.landmarks.map { [Self.rounded($0.x, 2), Self.rounded($0.y, 2)] }, forKey: .landmarks)
            }
        }
    }

    /// `[x, y, width, height]` in displayed pixels, to 0.01 px.
    static func box(_ face: FaceDetection) -> [Double] {
        [rounded(face.x1, 2), rounded(face.y1, 2), rounded(face.width, 2), rounded(face.height, 2)]
    }

    static func rounded(_ value: Double, _ digits: Int) -> Double {
        let scale = pow(10, Double(digits))
        return (value * scale).rounded() / scale
    }

    /// The record as one line of JSON.
    func jsonLine() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
