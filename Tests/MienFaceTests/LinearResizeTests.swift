import MienMedia
import MienTestSupport
import Testing

@testable import MienFace

@Suite("Bilinear resize is OpenCV's, bit for bit")
struct LinearResizeTests {
    /// A deterministic test image (the same formula made the golden hashes with cv2.resize).
    static func pattern(width: Int, height: Int) -> PixelImage {
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width { pixels.append(UInt8(((x * 37 + y * 91 + x * y * 13) ^ (x * 7)) & 255)) }
        }
        return PixelImage(width: width, height: height, layout: .gray, pixels: pixels)
    }

    /// FNV-1a, 64 bits.
    static func hash(_ bytes: [UInt8]) -> UInt64 {
        bytes.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }

    /// `cv2.resize(pattern(w, h), (W, H))` hashed, recorded with opencv-python-headless 4.10.0.
    static let golden: [(Int, Int, Int, Int, UInt64)] = [
        (48, 48, 64, 64, 0x894c_2956_7ad8_0311),
        (37, 53, 64, 64, 0xdb10_1252_26f9_20e0),
        (200, 150, 64, 64, 0x1b09_1bfa_7db9_2c1a),
        (128, 128, 64, 64, 0xbaf6_f428_f6b0_ed25),  // exact 2x: OpenCV switches to its area resize
        (60, 60, 47, 31, 0xd626_6317_b214_ee41),
        (7, 9, 64, 64, 0x7ef3_8b2b_820f_7f56),
        (1, 5, 64, 64, 0x035f_1790_b32d_9025),
        (90, 100, 64, 64, 0x8aac_bd91_4006_2503),
        (64, 64, 23, 25, 0x81ac_4777_5962_6ec6),
    ]

    @Test(arguments: golden.indices)
    func matchesOpenCV(_ index: Int) {
        let (w, h, dw, dh, expected) = Self.golden[index]
        let source = Self.pattern(width: w, height: h)
        let fast = LinearResize.resize(source, width: dw, height: dh)
        let reference = LinearResize.reference(source, width: dw, height: dh)
        #expect(Self.hash(fast.pixels) == expected, "\(w)x\(h) -> \(dw)x\(dh)")
        #expect(fast == reference, "\(w)x\(h) -> \(dw)x\(dh)")
    }

    @Test(arguments: [(48, 48, 64, 64), (3, 2, 5, 7), (97, 61, 64, 64), (64, 64, 64, 64), (2, 200, 64, 64), (300, 17, 13, 11)])
    func fastEqualsReference(_ size: (Int, Int, Int, Int)) {
        var state: UInt64 = 12345
        let pixels = (0..<(size.0 * size.1)).map { _ -> UInt8 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        let source = PixelImage(width: size.0, height: size.1, layout: .gray, pixels: pixels)
        #expect(LinearResize.resize(source, width: size.2, height: size.3) == LinearResize.reference(source, width: size.2, height: size.3))
    }

    @Test func sameSizeIsTheImage() {
        let source = Self.pattern(width: 64, height: 64)
        #expect(LinearResize.resize(source, width: 64, height: 64) == source)
        #expect(LinearResize.reference(source, width: 64, height: 64) == source)
    }

    @Test func ferPreprocessingReproducesTheReferenceInputs() throws {
        let reference = try ReferenceFile.miniXception()
        let crops = try reference.bytes("fer2013_faces48_uint8")
        try #require(crops.count == 7 * 2304)
        let faces = (0..<7).map { PixelImage(width: 48, height: 48, layout: .gray, pixels: Array(crops[($0 * 2304)..<(($0 + 1) * 2304)])) }
        let tensor = try FacePreprocessing.fer(size: 64).tensor(faces: faces)
        expectIdentical(tensor, try reference.nchw("input").batch(0..<7), "mini-Xception preprocessing of the FER-2013 crops")
    }

    @Test func preprocessingRejectsColourFaces() {
        let rgb = PixelImage(width: 2, height: 2, layout: .rgb, pixels: [UInt8](repeating: 0, count: 12))
        #expect(throws: ClassifierError.self) { try FacePreprocessing.fer(size: 64).tensor(faces: [rgb]) }
    }
}
