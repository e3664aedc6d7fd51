import Foundation
import MienMedia
import MienTestSupport
import Testing

@testable import MienFace

/// `Models/reference/mtcnn_cascade_reference.json`: what facenet-pytorch's
/// `MTCNN.detect` found on real frames of `shared/media`.
struct CascadeReference: Decodable {
    struct Frame: Decodable, CustomStringConvertible {
        let file: String
        let width: Int
        let height: Int
        let rgb24Sha256: String
        let frameIndex: Int?
        let frameTimeS: Double?
        let faces: Int
        let boxesXyxy: [[Double]]
        let probabilities: [Double]
        let landmarksXy: [[[Double]]]
        let rnetCandidates: Int
        let onetCandidates: Int

        var description: String { frameIndex.map { "\(file) frame \($0)" } ?? file }
    }

    let frames: [Frame]

    static func load() throws -> CascadeReference {
        let data = try Data(contentsOf: URL(fileURLWithPath: try ModelDirectory.path("reference/mtcnn_cascade_reference.json")))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(CascadeReference.self, from: data)
    }

    /// The frame decoded by Mien at native size, upright, RGB. Video frames are
    /// found by their index in decode output order, which is what the reference's
    /// `select=eq(n, index)` picked.
    static func decode(_ frame: Frame) throws -> PixelImage {
        let reader = try VideoReader(path: SharedMedia.path(frame.file))
        var decoded = try reader.nextFrame()
        for _ in 0..<(frame.frameIndex ?? 0) { decoded = try reader.nextFrame() }
        guard let decoded else { throw FixtureError("\(frame): the file ends before that frame") }
        return try decoded.image(PixelRequest(.rgb))
    }

    /// The sha256 of `bytes` in hex, through the `sha256sum` command.
    static func sha256(_ bytes: [UInt8]) throws -> String {
        let file = NSTemporaryDirectory() + "mien-sha-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).bin"
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let output = try Tool.run("sha256sum", [file])
        return String(output.text.prefix(64))
    }
}
