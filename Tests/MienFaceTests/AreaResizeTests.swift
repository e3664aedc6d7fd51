import MienMedia
import Testing

@testable import MienFace

@Suite("Area resize: separable integer sums against the plain window average")
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
                AreaResizer(input).resize(c.region, outHeight: c.outHeight, outWidth: c.outWidth, into: $0.baseAddress!)
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

extension AreaResizeTests {
    @Test func bandsOfRowsEqualTheWholeResize() {
        var random = Random(seed: 5)
        let image = random.image(width: 101, height: 67, layout: .rgb)
        let resizer = AreaResizer(image)
        let whole = AreaResize.Region(x: 0, y: 0, width: 101, height: 67)
        var full = [Float](repeating: 0, count: 3 * 40 * 60)
        full.withUnsafeMutableBufferPointer { resizer.resize(whole, outHeight: 40, outWidth: 60, into: $0.baseAddress!) }
        var band = [Float](repeating: 0, count: 3 * 13 * 60)
        band.withUnsafeMutableBufferPointer { resizer.resize(whole, outHeight: 40, outWidth: 60, rows: 7..<20, into: $0.baseAddress!) }
        for c in 0..<3 {
            #expect(Array(band[(c * 13 * 60)..<((c + 1) * 13 * 60)]) == Array(full[(c * 40 * 60 + 7 * 60)..<(c * 40 * 60 + 20 * 60)]))
        }
    }

    @Test func tallWindowsUse32BitSums() {
        // A 600-row crop into 2 rows: windows of 300 rows overflow 16-bit sums of 255s.
        let image = PixelImage(width: 4, height: 600, layout: .rgb, pixels: [UInt8](repeating: 255, count: 4 * 600 * 3))
        let region = AreaResize.Region(x: 0, y: 0, width: 4, height: 600)
        var out = [Float](repeating: 0, count: 3 * 2 * 2)
        out.withUnsafeMutableBufferPointer { AreaResizer(image).resize(region, outHeight: 2, outWidth: 2, into: $0.baseAddress!) }
        #expect(out == AreaResize.reference(image, region: region, outHeight: 2, outWidth: 2))
        #expect(out.allSatisfy { $0 == (255 - 127.5) * 0.0078125 })
    }
}
