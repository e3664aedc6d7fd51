import MienMedia
import Testing

@testable import MienFace

@Suite("Area resize: summed-area table against the plain window average")
struct AreaResizeTests {
    struct Case: CustomStringConvertible, Sendable {
        let width, height: Int
        let region: AreaResize.Region
        let outHeight, outWidth: Int
        var description: String { "\(width)x\(height) \(region) -> \(outHeight)x\(outWidth)" }
    }

    static let cases: [Case] = [
        Case(width: 64, height: 36, region: .init(x: 0, y: 0, width: 64, height: 36), outHeight: 22, outWidth: 39),  // pyramid level
        Case(width: 64, height: 36, region: .init(x: 0, y: 0, width: 64, height: 36), outHeight: 12, outWidth: 21),
        Case(width: 97, height: 61, region: .init(x: 5, y: 7, width: 50, height: 43), outHeight: 24, outWidth: 24),  // R-Net crop
        Case(width: 97, height: 61, region: .init(x: 96, y: 60, width: 1, height: 1), outHeight: 24, outWidth: 24),  // upscaled pixel
        Case(width: 97, height: 61, region: .init(x: 0, y: 10, width: 97, height: 13), outHeight: 48, outWidth: 48), // stretched
        Case(width: 30, height: 30, region: .init(x: 3, y: 3, width: 24, height: 24), outHeight: 24, outWidth: 24),  // identity
        Case(width: 31, height: 17, region: .init(x: 0, y: 0, width: 31, height: 17), outHeight: 17, outWidth: 31),
    ]

    @Test(arguments: cases)
    func fastEqualsReferenceBitForBit(c: Case) {
        var random = Random(seed: UInt64(c.width * 31 + c.outWidth))
        let image = random.image(width: c.width, height: c.height, layout: .rgb)
        let reference = AreaResize.reference(image, region: c.region, outHeight: c.outHeight, outWidth: c.outWidth)
        for input in [image, image.planar] {
            var fast = [Float](repeating: .nan, count: reference.count)
            fast.withUnsafeMutableBufferPointer {
                IntegralImage(input).resize(c.region, outHeight: c.outHeight, outWidth: c.outWidth, into: $0.baseAddress!)
            }
            #expect(fast == reference, "\(input.layout)")
        }
    }

    @Test func windowsFollowAdaptivePooling() {
        // 5 -> 3: floor(i*5/3) ..< ceil((i+1)*5/3): 0..<2, 1..<4, 3..<5 (overlapping, as PyTorch's).
        #expect(AreaResize.windows(input: 5, output: 3) == [0..<2, 1..<4, 3..<5])
        // Upscaling repeats input cells.
        #expect(AreaResize.windows(input: 2, output: 4) == [0..<1, 0..<1, 1..<2, 1..<2])
        #expect(AreaResize.windows(input: 6, output: 3) == [0..<2, 2..<4, 4..<6])
    }

    @Test func normalisesAsMTCNN() {
        let image = PixelImage(width: 2, height: 1, layout: .rgb, pixels: [0, 255, 128, 255, 0, 127])
        let out = AreaResize.reference(image, region: .init(x: 0, y: 0, width: 2, height: 1), outHeight: 1, outWidth: 1)
        // Means 127.5, 127.5, 127.5 -> 0.
        #expect(out == [0, 0, 0])
    }
}
