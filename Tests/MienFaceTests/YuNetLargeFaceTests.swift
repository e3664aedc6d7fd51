import Foundation
import MienMedia
import MienTestSupport
import Testing

@testable import MienFace

/// Faces too large for one YuNet pass (a driver in 1080p, a close-up in 4K)
/// are found whole by the second pass on the shrunk frame.
@Suite("YuNet finds faces larger than one pass sees")
struct YuNetLargeFaceTests {
    static let detector: YuNetDetector = {
        do { return try YuNetDetector() } catch { fatalError("\(error)") }
    }()

    /// The sample clip's frame at 1 s (480x270, one face about 110x130), scaled `scale` times by ffmpeg.
    static func frame(scale: Int) throws -> PixelImage {
        let path = NSTemporaryDirectory() + "mien-large-face-\(getpid())-\(scale).png"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Tool.ffmpeg(["-ss", "1", "-i", RepositoryFiles.astronautClip, "-frames:v", "1",
                         "-vf", "scale=iw*\(scale):ih*\(scale):flags=bicubic", path])
        let reader = try VideoReader(path: path)
        guard let frame = try reader.nextFrame() else { throw FixtureError("no frame in \(path)") }
        return try frame.image(PixelRequest(.rgb))
    }

    static func iou(_ a: FaceDetection, _ b: FaceDetection) -> Double {
        let shared = YuNetDetector.overlap(a, b)
        return shared / (a.area + b.area - shared)
    }

    @Test func aFaceSixTimesLargerIsFoundWholeAndOnce() throws {
        let small = try Self.detector.detect(try Self.frame(scale: 1))
        try #require(small.count == 1, "the sample's one face: \(small)")
        let big = try Self.frame(scale: 6)
        #expect((big.width, big.height) == (2880, 1620))
        let expected = YuNetDetector.enlarged(small[0], by: 6)
        let faces = try Self.detector.detect(big)
        #expect(faces.count == 1, "one face, not its parts: \(faces.map { ($0.x1, $0.y1, $0.width, $0.height, $0.score) })")
        #expect(faces.first.map { Self.iou($0, expected) } ?? 0 > 0.7, "\(faces) against \(expected)")
        // One pass alone finds parts of the face, not the face: what the second pass is for.
        let onePass = Self.detector.decoder.faces(Self.detector.network.run(big)).filter { $0.score >= 0.5 }
        #expect(!onePass.contains { Self.iou($0, expected) > 0.7 }, "\(onePass)")
    }

    @Test func shrinkingAveragesEachBlock() {
        // 4x2 pixels shrunk by 2: two pixels, each the rounded mean of a 2x2 block, per channel.
        let values: [UInt8] = (0..<24).map { UInt8($0 * 10) }
        let packed = YuNetDetector.shrunk(PixelImage(width: 4, height: 2, layout: .rgb, pixels: values), by: 2)
        // Block 0 holds pixels 0, 1, 4, 5; channel c of pixel p is values[3p + c].
        func mean(_ pixels: [Int], _ c: Int) -> UInt8 {
            UInt8((pixels.map { Int(values[3 * $0 + c]) }.reduce(0, +) + 2) / 4)
        }
        #expect((packed.width, packed.height, packed.layout) == (2, 1, .rgb))
        #expect(packed.pixels == [mean([0, 1, 4, 5], 0), mean([0, 1, 4, 5], 1), mean([0, 1, 4, 5], 2),
                                  mean([2, 3, 6, 7], 0), mean([2, 3, 6, 7], 1), mean([2, 3, 6, 7], 2)])
        let planar = YuNetDetector.shrunk(PixelImage(width: 4, height: 2, layout: .rgbPlanar, pixels: values), by: 2)
        func planeMean(_ c: Int, _ x: Int) -> UInt8 {
            var sum = 0
            for y in 0..<2 { for dx in 0..<2 { sum += Int(values[c * 8 + y * 4 + 2 * x + dx]) } }
            return UInt8((sum + 2) / 4)
        }
        #expect(planar.pixels == [planeMean(0, 0), planeMean(0, 1), planeMean(1, 0), planeMean(1, 1), planeMean(2, 0), planeMean(2, 1)])
        #expect(YuNetDetector.shrinkFactor(width: 1280, height: 720) == 3)
        #expect(YuNetDetector.shrinkFactor(width: 3840, height: 2160) == 9)
        #expect(YuNetDetector.shrinkFactor(width: 640, height: 480) == 2)
        #expect(YuNetDetector.shrinkFactor(width: 480, height: 270) == nil)
    }

    @Test func joiningKeepsFacesFoundWholeDropsPartsAndKeepsSmallFaces() {
        func face(_ x: Double, _ y: Double, _ w: Double, _ h: Double, _ score: Double) -> FaceDetection {
            FaceDetection(x1: x, y1: y, x2: x + w, y2: y + h, score: score, landmarks: [])
        }
        let large = face(100, 100, 600, 800, 0.94)
        let part = face(150, 150, 400, 450, 0.70)         // inside it, lower score: a part
        let passenger = face(620, 120, 60, 70, 0.90)      // mostly inside, but a 114th of its area: a face
        let elsewhere = face(1200, 100, 80, 90, 0.92)
        let joined = YuNetDetector.joiningLargeFaces([part, passenger, elsewhere], [large])
        #expect(Set(joined.map(\.x1)) == [100, 620, 1200])
        let wholeAtFullSize = face(105, 95, 590, 810, 0.91)   // found at full size, about as sure: kept as found
        #expect(YuNetDetector.joiningLargeFaces([wholeAtFullSize], [large]).map(\.x1) == [105])
        let smallShrunk = face(100, 100, 200, 250, 0.9)       // under largeFaceSide: the full-size pass's business
        #expect(YuNetDetector.joiningLargeFaces([part], [smallShrunk]).map(\.x1) == [150])
    }
}
