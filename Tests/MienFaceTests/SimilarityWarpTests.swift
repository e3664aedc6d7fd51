import Foundation
import MienMedia
import Testing

@testable import MienFace

@Suite("Similarity warp: fast path against the plain definition; anti-aliasing")
struct SimilarityWarpTests {
    struct Case: CustomStringConvertible, Sendable {
        let width, height: Int
        let transform: SimilarityTransform  // crop -> image
        let size: Int
        var description: String { "\(width)x\(height) scale \(transform.scale) rotation \(transform.rotation) -> \(size)" }
    }

    static let cases: [Case] = [
        Case(width: 64, height: 48, transform: .identity, size: 48),                                        // copy
        Case(width: 64, height: 48, transform: .init(scale: 1.3, rotation: 0.3, tx: 5, ty: -3), size: 48),  // past the border
        Case(width: 97, height: 61, transform: .init(scale: 0.6, rotation: -0.7, tx: 30, ty: 12), size: 17),  // enlarging
        Case(width: 201, height: 157, transform: .init(scale: 2.5, rotation: 0.15, tx: 40, ty: 20), size: 48),
        Case(width: 201, height: 157, transform: .init(scale: 4.2, rotation: -0.2, tx: 10, ty: 30), size: 31),  // odd size
        Case(width: 333, height: 211, transform: .init(scale: 6.9, rotation: 2.9, tx: 320, ty: 250), size: 48),  // upside down, outside
        Case(width: 7, height: 5, transform: .init(scale: 0.3, rotation: 0, tx: -2, ty: -2), size: 40),        // tiny image
        Case(width: 1, height: 1, transform: .init(scale: 3, rotation: 1, tx: 0, ty: 0), size: 8),             // one pixel
    ]

    static func randomImage(width: Int, height: Int, seed: UInt64) -> PixelImage {
        var random = Random(seed: seed)
        return PixelImage(width: width, height: height, layout: .gray,
                          pixels: (0..<(width * height)).map { _ in UInt8(truncatingIfNeeded: random.next()) })
    }

    @Test(arguments: cases, FaceAligner.Sampling.allCases)
    func fastEqualsReference(c: Case, sampling: FaceAligner.Sampling) {
        let image = Self.randomImage(width: c.width, height: c.height, seed: UInt64(c.width * 7 + c.size))
        let fast = SimilarityWarp.warp(image, cropToImage: c.transform, size: c.size, sampling: sampling)
        let plain = SimilarityWarp.reference(image, cropToImage: c.transform, size: c.size, sampling: sampling)
        #expect(fast.width == c.size && fast.height == c.size && fast.layout == .gray)
        // Stepping positions along a row instead of computing each one can move a value across a rounding
        // edge (often exact halves when a small image is enlarged), never further.
        let differences = zip(fast.pixels, plain.pixels).map { abs(Int($0) - Int($1)) }
        #expect(differences.max()! <= 1, "\(c) \(sampling)")
        #expect(differences.filter { $0 > 0 }.count * 20 <= differences.count, "\(c) \(sampling): too many off by one")
    }

    @Test func identityCopiesTheImage() {
        let image = Self.randomImage(width: 48, height: 48, seed: 3)
        for sampling in FaceAligner.Sampling.allCases {
            #expect(SimilarityWarp.warp(image, cropToImage: .identity, size: 48, sampling: sampling) == image)
        }
    }

    @Test func areaReductionReadsOnlyTheFacesNeighbourhood() {
        // A 60-pixel face in a 1920x1080 frame, shrunk 2.5 times into 24 pixels.
        let image = PixelImage(width: 1920, height: 1080, layout: .gray, pixels: [UInt8](repeating: 9, count: 1920 * 1080))
        let toImage = SimilarityTransform(scale: 2.5, rotation: 0.3, tx: 900, ty: 500)
        let toGrid = SimilarityWarp.blockGrid(2).composed(after: toImage)
        let (means, window) = SimilarityWarp.blockMeans(image, k: 2, covering: toGrid, size: 24)
        #expect(means.count <= 50 * 50, "\(window)")
        #expect(means.allSatisfy { $0 == 9 })
    }

    /// Vertical stripes two pixels wide (period 4), black and white.
    static let stripes = PixelImage(width: 400, height: 400, layout: .gray,
                                    pixels: (0..<(400 * 400)).map { ($0 % 400) % 4 < 2 ? 0 : 255 })

    @Test func shrinkingStripesAveragesThemUnlessPointSampled() {
        // 5.3 image pixels per crop pixel: far above the stripes' period.
        let toImage = SimilarityTransform(scale: 5.3, rotation: 0, tx: 60, ty: 60)
        func deviation(_ sampling: FaceAligner.Sampling) -> Int {
            let crop = SimilarityWarp.warp(Self.stripes, cropToImage: toImage, size: 48, sampling: sampling)
            return crop.pixels.map { abs(Int($0) - 128) }.max()!
        }
        // A box filter of 5 or 6 pixels over a period of 4 leaves at most a quarter of a stripe unbalanced.
        #expect(deviation(.areaReduced) <= 40)
        #expect(deviation(.supersampled) <= 40)
        #expect(deviation(.bilinear) >= 100, "point sampling should alias here")
    }
}
