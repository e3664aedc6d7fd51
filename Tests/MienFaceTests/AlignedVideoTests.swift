import Foundation
import MienMedia
import MienTestSupport
import Testing

@testable import MienFace

/// The aligner on real footage (opt-in: needs ../shared): WolfgangLanger_Pexels.mp4
/// shows one woman crying for about the first 9 s and laughing from then to
/// the end (19.7 s). The product wants the dominant class over the first 8 s
/// to be sad, and happy in at least 90% of the face records of the last 8 s.
@Suite("Aligned crops on real video", .enabled(if: SharedMedia.available, Comment(rawValue: SharedMedia.skipReason)))
struct AlignedVideoTests {
    /// How one face record is cut out: an aligner, or the detector's box made square.
    enum Cut: CustomStringConvertible {
        case aligned(FaceAligner)
        case squareBox

        var description: String {
            switch self {
            case .aligned(let a): "\(a.template.name) \(a.size)px \(a.sampling.rawValue)"
            case .squareBox: "square box"
            }
        }
    }

    /// The detector's box made square about its centre (side: the longer side), border replicated.
    static func squareBoxCrop(_ image: PixelImage, _ face: FaceDetection) -> PixelImage {
        let side = Int(max(face.width, face.height).rounded())
        let left = Int(((face.x1 + face.x2) / 2).rounded()) - side / 2, top = Int(((face.y1 + face.y2) / 2).rounded()) - side / 2
        var pixels = [UInt8](repeating: 0, count: side * side)
        for y in 0..<side {
            let sy = min(max(top + y, 0), image.height - 1)
            for x in 0..<side { pixels[y * side + x] = image.pixels[sy * image.width + min(max(left + x, 0), image.width - 1)] }
        }
        return PixelImage(width: side, height: side, layout: .gray, pixels: pixels)
    }

    /// For each cut, the share of face records that are sad over the first 8 s and happy over the last 8 s.
    static func shares(_ cuts: [Cut]) throws -> [(sadFirst: Double, happyLast: Double, records: Int, firstDominant: Emotion)] {
        let detector = try MTCNNDetector()
        let classifier = try ClassifierRegistry.load("mini-xception")
        let reader = try VideoReader(path: SharedMedia.path("WolfgangLanger_Pexels.mp4"))
        var records: [(time: Double, emotions: [Emotion])] = []
        try reader.read(sampling: .grid(fps: 5)) { sample in
            let gray = try sample.frame.image(PixelRequest(.gray))
            for face in try detector.detect(try sample.frame.image(PixelRequest(.rgb))) {
                let crops = try cuts.map { cut -> PixelImage in
                    switch cut {
                    case .aligned(let aligner): try aligner.crop(gray, landmarks: face.landmarks)
                    case .squareBox: squareBoxCrop(gray, face)
                    }
                }
                let emotions = try classifier.classify(faces: crops).map { row in
                    classifier.labels[row.indices.max { row[$0] < row[$1] }!]
                }
                records.append((sample.time, emotions))
            }
        }
        let end = records.map(\.time).max() ?? 0
        let first = records.filter { $0.time < 8 }, last = records.filter { $0.time > end - 8 }
        return cuts.indices.map { i in
            let counts = Emotion.allCases.map { e in first.filter { $0.emotions[i] == e }.count }
            let dominant = Emotion.allCases[counts.indices.max { counts[$0] < counts[$1] }!]
            return (Double(first.filter { $0.emotions[i] == .sad }.count) / Double(max(first.count, 1)),
                    Double(last.filter { $0.emotions[i] == .happy }.count) / Double(max(last.count, 1)), records.count, dominant)
        }
    }

    @Test func defaultAlignerMeetsTheProductsBar() throws {
        // The default first; then the alternatives measured in Models/README.md, "Face alignment".
        let cuts: [Cut] = [.aligned(FaceAligner()), .aligned(FaceAligner(template: .fer2013Mean)),
                           .aligned(FaceAligner(template: .fer2013.scaled(by: 1.1))),
                           .aligned(FaceAligner(sampling: .areaReduced)), .aligned(FaceAligner(sampling: .bilinear)),
                           .aligned(FaceAligner(size: 64)), .squareBox]
        let shares = try Self.shares(cuts)
        for (cut, share) in zip(cuts, shares) {
            print(String(format: "%@: sad %.0f%% of the first 8 s (dominant: %@), happy %.0f%% of the last 8 s (%d records)",
                         cut.description, share.sadFirst * 100, share.firstDominant.rawValue, share.happyLast * 100, share.records))
        }
        #expect(shares[0].firstDominant == .sad, "sad should dominate the first 8 s")
        #expect(shares[0].happyLast >= 0.9, "happy should hold at least 90% of the last 8 s")
    }
}
