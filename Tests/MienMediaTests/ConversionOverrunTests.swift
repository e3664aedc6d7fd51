import Foundation
import MienTestSupport
import Testing

@testable import MienMedia

/// swscale's SIMD RGB converters write past the last row for widths that are
/// not a multiple of their block; the converter must leave them room.
@Suite("RGB conversion stays inside its buffer")
struct ConversionOverrunTests {
    @Test func oddWidthJPEGToRGBManyTimes() throws {
        let dir = NSTemporaryDirectory() + "mien-overrun-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // 572 x 562, yuvj420p: the size at which heap corruption was seen.
        try Tool.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=572x562:rate=1", "-frames:v", "1", "-pix_fmt", "yuvj420p",
                         "odd.jpg"], in: dir)
        let reference = try VideoReader(path: dir + "/odd.jpg").nextFrame()!.referenceImage(PixelRequest(.rgb))
        for _ in 0..<30 {
            let frame = try #require(try VideoReader(path: dir + "/odd.jpg").nextFrame())
            let image = try frame.image(PixelRequest(.rgb))
            #expect(image.pixels.count == 572 * 562 * 3)
            #expect(image == reference)
        }
        // Planar planes sit back to back: an overrun of one would land in the next.
        let frame = try #require(try VideoReader(path: dir + "/odd.jpg").nextFrame())
        let packed = try frame.image(PixelRequest(.rgb)), planar = try frame.image(PixelRequest(.rgbPlanar))
        let n = 572 * 562
        // swscale takes different paths for packed and planar RGB (rounding may differ by a
        // level or two); an overrun would show as large errors at the start of a plane.
        var worst = 0, worstAtPlaneStart = 0
        for i in 0..<n {
            for c in 0..<3 {
                let d = abs(Int(packed.pixels[i * 3 + c]) - Int(planar.pixels[c * n + i]))
                worst = max(worst, d)
                if i < 572 { worstAtPlaneStart = max(worstAtPlaneStart, d) }
            }
        }
        #expect(worst <= 3, "planar and packed RGB differ by \(worst)")
        #expect(worstAtPlaneStart <= 3, "first row of a plane differs by \(worstAtPlaneStart)")
    }
}
