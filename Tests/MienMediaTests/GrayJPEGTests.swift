import Foundation
import MienTestSupport
import Testing

@testable import MienMedia

/// Grayscale JPEGs through libjpeg: Pillow's pixels exactly (what PyTorch's
/// data pipeline gives the training code), color JPEGs left to FFmpeg, and
/// damaged files refused with the file named. Fixtures: Tests/fixtures/jpeg
/// (Tests/tools/make_jpeg_fixtures.py).
@Suite("Gray JPEG decoding (libjpeg, as Pillow)")
struct GrayJPEGTests {
    static func fixture(_ name: String) -> String { RepositoryFiles.path("Tests/fixtures/jpeg/" + name) }

    @Test func aGrayJPEGGivesPillowsPixels() throws {
        let image = try #require(try GrayJPEG.decode(path: Self.fixture("gray.jpg")))
        let pillow = try #require(FileManager.default.contents(atPath: Self.fixture("gray.pillow.raw")))
        #expect(image.width == 48 && image.height == 40 && image.layout == .gray)
        #expect(image.pixels == [UInt8](pillow))
        // FFmpeg's decoder (another IDCT) is why: print how far it is on this file.
        let reader = try VideoReader(path: Self.fixture("gray.jpg"))
        let ffmpeg = try #require(try reader.nextFrame()).image(PixelRequest(.gray))
        print("gray.jpg: FFmpeg differs from Pillow on \(zip(ffmpeg.pixels, image.pixels).filter { $0 != $1 }.count) of 1920 pixels")
    }

    @Test func aColorJPEGIsLeftToFFmpeg() throws {
        #expect(GrayJPEG.isJPEG(path: Self.fixture("color.jpg")))
        #expect(try GrayJPEG.decode(path: Self.fixture("color.jpg")) == nil)
    }

    @Test func onlyJPEGsAreTakenForJPEGs() throws {
        let scratch = try ScratchFolder("mien-jpeg")
        let text = try scratch.write("not an image", "a.jpg")
        #expect(!GrayJPEG.isJPEG(path: text))
        #expect(!GrayJPEG.isJPEG(path: scratch.path + "/missing.jpg"))
        #expect(!GrayJPEG.isJPEG(path: Self.fixture("gray.pillow.raw")))
        #expect(GrayJPEG.isJPEG(path: Self.fixture("gray.jpg")))
    }

    /// A truncated file (Pillow refuses it too), garbage after the JPEG marker,
    /// a missing file and a picture past the pixel limit: a MediaError naming the file.
    @Test func damagedJPEGsAreRefusedNamingTheFile() throws {
        let scratch = try ScratchFolder("mien-jpeg")
        let whole = try #require(FileManager.default.contents(atPath: Self.fixture("gray.jpg")))
        let cut = scratch.path + "/cut.jpg", garbage = scratch.path + "/garbage.jpg"
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: cut))
        try Data([0xFF, 0xD8, 0xFF] + [UInt8](repeating: 0x42, count: 64)).write(to: URL(fileURLWithPath: garbage))
        for path in [cut, garbage, scratch.path + "/missing.jpg"] {
            let error = try #require(throws: MediaError.self) { _ = try GrayJPEG.decode(path: path) }
            #expect(error.code == .decodeFailed && error.description.contains(path), "\(error)")
        }
        let error = try #require(throws: MediaError.self) { _ = try GrayJPEG.decode(path: Self.fixture("gray.jpg"), maxPixels: 1000) }
        #expect(error.code == .absurdDimensions && error.description.contains("gray.jpg"), "\(error)")
    }
}
