import Foundation
import MienTestSupport
import Testing
@testable import MienMedia

@Suite("Non-square pixels: frames in their displayed shape")
struct SampleAspectTests {
    let fx = Fixtures.shared

    /// The columns of `image` (gray) whose mean is over mid-gray.
    func brightColumns(_ image: PixelImage) -> [Int] {
        (0..<image.width).filter { x in
            (0..<image.height).reduce(0) { $0 + Int(image.pixels[$1 * image.width + x]) } > 128 * image.height
        }
    }

    @Test(arguments: [("wide", 96, "4:3", 48), ("narrow", 64, "8:9", 32)])
    func theProbeGivesTheDisplayedSizeAndTheRatio(kind: String, width: Int, ratio: String, bar: Int) throws {
        let info = try VideoProber.probe(kind == "wide" ? fx.anamorphicWide : fx.anamorphicNarrow)
        #expect((info.codedWidth, info.codedHeight) == (72, 48))
        #expect((info.width, info.height) == (width, 48))
        #expect(info.sampleAspect.map { "\($0.num):\($0.den)" } == ratio)
    }

    @Test(arguments: [("wide", 96, 48), ("narrow", 64, 32)])
    func framesAreStretchedToTheDisplayedShape(kind: String, width: Int, bar: Int) throws {
        let reader = try VideoReader(path: kind == "wide" ? fx.anamorphicWide : fx.anamorphicNarrow)
        let frame = try #require(try reader.nextFrame())
        #expect(frame.size == (width, 48))
        let gray = try frame.image(PixelRequest(.gray))
        #expect((gray.width, gray.height) == (width, 48))
        // The bar is where a player shows it (a column or so of blur at each edge from the squeeze and stretch).
        let columns = brightColumns(gray)
        #expect(abs((columns.first ?? -99) - bar) <= 1 && abs((columns.last ?? -99) - (bar + 15)) <= 1, "\(columns)")
        let rgb = try frame.image(PixelRequest(.rgb))
        #expect((rgb.width, rgb.height) == (width, 48))
        // The analysis's own-size request and the stream's agree: no rescaling of boxes.
        #expect(frame.streamScale == (1, 1))
        let coded = try frame.image(PixelRequest(.gray, upright: false))
        #expect((coded.width, coded.height) == (72, 48), "not upright: the stored pixels")
    }

    @Test func aScaledRequestKeepsTheDisplayedShape() throws {
        let reader = try VideoReader(path: fx.anamorphicWide)
        let small = try #require(try reader.nextFrame()).image(PixelRequest(.gray, maxWidth: 48, maxHeight: 48))
        #expect((small.width, small.height) == (48, 24))
    }

    @Test func turnedAfterStretching() throws {
        let info = try VideoProber.probe(fx.anamorphicRotated)
        #expect(info.rotation == 90 && (info.width, info.height) == (48, 96))
        let reader = try VideoReader(path: fx.anamorphicRotated)
        let gray = try #require(try reader.nextFrame()).image(PixelRequest(.gray))
        #expect((gray.width, gray.height) == (48, 96))
        // Turned clockwise, the bar's displayed columns 48-63 become rows 48-63.
        let rows = (0..<gray.height).filter { y in gray.pixels[(y * gray.width)..<((y + 1) * gray.width)].reduce(0) { $0 + Int($1) } > 128 * gray.width }
        #expect(abs((rows.first ?? -99) - 48) <= 1 && abs((rows.last ?? -99) - 63) <= 1, "\(rows)")
    }

    @Test func squarePixelsAndStillImagesHaveNoRatio() throws {
        #expect(try VideoProber.probe(fx.h264).sampleAspect == nil)
        let still = try VideoProber.probe(fx.wideDensityJPEG)
        #expect(still.isImage && still.sampleAspect == nil && (still.width, still.height) == (80, 60))
        let frame = try #require(try VideoReader(path: fx.wideDensityJPEG).nextFrame())
        #expect(frame.size == (80, 60))
    }

    @Test func ratiosAreReducedAndImplausibleOnesIgnored() {
        #expect(SampleAspect.normalized(Rational(16, 12)) == Rational(4, 3))
        #expect(SampleAspect.normalized(Rational(1, 1)) == nil)
        #expect(SampleAspect.normalized(Rational(6100, 6055)) == nil, "nearly square (0.7%): left as coded")
        #expect(SampleAspect.normalized(Rational(16, 15)) == Rational(16, 15))
        #expect(SampleAspect.normalized(Rational(10, 11)) == Rational(10, 11))
        #expect(SampleAspect.normalized(Rational(0, 1)) == nil)
        #expect(SampleAspect.normalized(Rational(1, 0)) == nil)
        #expect(SampleAspect.normalized(Rational(255, 1)) == nil)
        #expect(SampleAspect.normalized(Rational(1, 255)) == nil)
        #expect(SampleAspect.displaySize(720, 480, ratio: Rational(8, 9)) == (640, 480))
        #expect(SampleAspect.displaySize(720, 480, ratio: Rational(32, 27)) == (854, 480), "853.3: even, for H.264 4:2:0")
        #expect(SampleAspect.displaySize(720, 480, ratio: Rational(10, 11)) == (654, 480), "654.5")
        #expect(SampleAspect.displaySize(720, 576, ratio: Rational(12, 11)) == (786, 576), "785.5")
        #expect(SampleAspect.displaySize(1440, 1080, ratio: Rational(4, 3)) == (1920, 1080))
        #expect(SampleAspect.displaySize(1440, 1080, ratio: nil) == (1440, 1080))
        // Widening past the default limits (16384 a side, 8192 x 8192 pixels) divides the height instead.
        #expect(SampleAspect.displaySize(8000, 8000, ratio: Rational(4, 1)) == (8000, 2000))
        #expect(SampleAspect.displaySize(16000, 100, ratio: Rational(2, 1)) == (16000, 50))
    }

    @Test func theJSONFormHasTheDisplayedSizeAndNoNewKey() throws {
        // The meta file's schema (version 1) refuses unknown keys: the ratio shows as width against coded_width.
        let json = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(try VideoProber.probe(fx.anamorphicNarrow)))
        let object = try #require(json as? [String: Any])
        #expect(object["width"] as? Int == 64 && object["coded_width"] as? Int == 72)
        #expect(object["sample_aspect_ratio"] == nil)
    }
}
