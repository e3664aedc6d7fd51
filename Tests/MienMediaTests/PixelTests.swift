import Foundation
import MienTestSupport
import Testing

@testable import MienMedia

@Suite("Pixels: full range, scaling, upright rotation")
struct PixelTests {
    func firstFrame(_ path: String, _ request: PixelRequest) throws -> PixelImage {
        let reader = try VideoReader(path: path)
        guard let frame = try reader.nextFrame() else { throw FixtureError("no frame in \(path)") }
        return try frame.image(request)
    }

    @Test func limitedRangeIsExpandedToFullRangeGray() throws {
        let reader = try VideoReader(path: fixture("blackWhite"))
        var images: [PixelImage] = []
        try reader.read(sampling: .everyFrame) { images.append(try $0.frame.image(PixelRequest(.gray))) }
        let black = images.first!.pixels, white = images.last!.pixels
        #expect(black.allSatisfy { $0 <= 1 }, "black max \(black.max()!)")
        #expect(white.allSatisfy { $0 >= 254 }, "white min \(white.min()!)")
    }

    @Test(arguments: ["rotated90", "rotated270"])
    func uprightPixelsMatchFFmpegAutorotate(name: String) throws {
        let path = fixture(name)
        let ours = try firstFrame(path, PixelRequest(.rgb))
        #expect((ours.width, ours.height) == (48, 64))
        let theirs = try Tool.run("ffmpeg", ["-v", "error", "-i", path, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]).stdout
        #expect(theirs.count == ours.pixels.count)
        #expect(meanAbsoluteDifference(ours.pixels, Array(theirs)) < 3)
        // And the opposite turn is clearly different, so the check can fail.
        let wrong = ImageRotation.rotate(ImageRotation.rotate(ours, clockwise: 180), clockwise: 0)
        #expect(meanAbsoluteDifference(wrong.pixels, Array(theirs)) > 20)
    }

    /// The resolution changes mid-stream: every frame comes at the stream's
    /// size, so face boxes mean the same pixels throughout; a request with its
    /// own bounds still scales the frame's own pixels.
    @Test func framesOfAnotherSizeComeAtTheStreamsSize() throws {
        let reader = try VideoReader(path: Fixtures.shared.resized)
        #expect((reader.info.width, reader.info.height) == (96, 64))
        var coded: Set<[Int]> = [], sizes: Set<[Int]> = [], bounded: Set<[Int]> = []
        try reader.read(sampling: .everyFrame) { sample in
            let frame = sample.frame
            coded.insert([frame.codedWidth, frame.codedHeight])
            for layout in [PixelLayout.rgb, .gray] {
                let image = try frame.image(PixelRequest(layout))
                sizes.insert([image.width, image.height])
            }
            let small = try frame.image(PixelRequest(.gray, maxWidth: 48, maxHeight: 48))
            bounded.insert([small.width, small.height])
        }
        #expect(coded == [[96, 64], [48, 32]], "the fixture changes size")
        #expect(sizes == [[96, 64]])
        #expect(bounded == [[48, 32]])
    }

    @Test func uprightCanBeTurnedOff() throws {
        let coded = try firstFrame(fixture("rotated90"), PixelRequest(.gray, upright: false))
        #expect((coded.width, coded.height) == (64, 48))
        let upright = try firstFrame(fixture("rotated90"), PixelRequest(.gray))
        #expect(ImageRotation.rotate(coded, clockwise: 90) == upright)
    }

    @Test func scalingFitsTheBoxKeepingAspect() throws {
        let half = try firstFrame(fixture("h264"), PixelRequest(.gray, maxWidth: 80, maxHeight: 80))
        #expect((half.width, half.height) == (80, 60))
        let turned = try firstFrame(fixture("rotated90"), PixelRequest(.rgb, maxWidth: 100, maxHeight: 32))
        #expect((turned.width, turned.height) == (24, 32))
        let never = try firstFrame(fixture("h264"), PixelRequest(.gray, maxWidth: 4000, maxHeight: 4000))
        #expect((never.width, never.height) == (160, 120))
        let up = try firstFrame(fixture("h264"), PixelRequest(.rgb, maxWidth: 320, maxHeight: 1000, allowUpscaling: true))
        #expect((up.width, up.height) == (320, 240))
    }

    @Test func planarRGBHoldsTheSameValuesAsInterleaved() throws {
        let packed = try firstFrame(fixture("oddSize"), PixelRequest(.rgb))
        let planar = try firstFrame(fixture("oddSize"), PixelRequest(.rgbPlanar))
        let n = packed.width * packed.height
        for i in stride(from: 0, to: n, by: 7) {
            for c in 0..<3 { #expect(packed.pixels[i * 3 + c] == planar.pixels[c * n + i]) }
        }
    }

    @Test(arguments: [PixelLayout.gray, .rgb, .rgbPlanar])
    func rotationOfAKnownImage(layout: PixelLayout) {
        // 3 wide, 2 high; each channel holds value + 10 * channel.
        let values: [UInt8] = [1, 2, 3, 4, 5, 6]
        let image = make(values, width: 3, height: 2, layout: layout)
        #expect(ImageRotation.rotate(image, clockwise: 90) == make([4, 1, 5, 2, 6, 3], width: 2, height: 3, layout: layout))
        #expect(ImageRotation.rotate(image, clockwise: 180) == make([6, 5, 4, 3, 2, 1], width: 3, height: 2, layout: layout))
        #expect(ImageRotation.rotate(image, clockwise: 270) == make([3, 6, 2, 5, 1, 4], width: 2, height: 3, layout: layout))
        var turned = image
        for _ in 0..<4 { turned = ImageRotation.rotate(turned, clockwise: 90) }
        #expect(turned == image)
    }

    func make(_ values: [UInt8], width: Int, height: Int, layout: PixelLayout) -> PixelImage {
        let pixels: [UInt8] = switch layout {
        case .gray: values
        case .rgb: values.flatMap { v in (0..<3).map { v + UInt8(10 * $0) } }
        case .rgbPlanar: (0..<3).flatMap { c in values.map { $0 + UInt8(10 * c) } }
        }
        return PixelImage(width: width, height: height, layout: layout, pixels: pixels)
    }
}

func meanAbsoluteDifference(_ a: [UInt8], _ b: [UInt8]) -> Double {
    guard a.count == b.count, !a.isEmpty else { return .infinity }
    return Double(zip(a, b).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }) / Double(a.count)
}

@Suite("Fast gray path against the swscale reference")
struct LumaToGrayTests {
    @Test(arguments: ["h264", "hevc", "oddSize", "mpegts", "rotated90", "rotated270", "blackWhite", "jpeg", "png"])
    func agreesWithinOneLevel(name: String) throws {
        let reader = try VideoReader(path: fixture(name))
        var compared = 0
        try reader.read(sampling: .everyFrame) { sample in
            guard sample.index % 5 == 0 else { return }
            let fast = try sample.frame.image(PixelRequest(.gray))
            let reference = try sample.frame.referenceImage(PixelRequest(.gray))
            #expect((fast.width, fast.height) == (reference.width, reference.height))
            let worst = zip(fast.pixels, reference.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
            #expect(worst <= 1, "\(name) frame \(sample.index): differs by \(worst)")
            compared += 1
        }
        #expect(compared > 0)
    }

    @Test func tableEndpoints() {
        #expect(LumaToGray.limitedToFull[16] == 0)
        #expect(LumaToGray.limitedToFull[235] == 255)
        #expect(LumaToGray.limitedToFull[0] == 0 && LumaToGray.limitedToFull[255] == 255)
        #expect(LumaToGray.limitedToFull[126] == 128)
    }
}
