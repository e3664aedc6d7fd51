import Foundation
@testable import MienAnalytics
import MienMedia
import MienTestSupport
import Testing

/// The report's PNG writer, checked by decoding its files with ffmpeg.
@Suite("PNG thumbnails")
struct PNGEncoderTests {
    func decoded(_ image: PixelImage, format: String) throws -> Data {
        let path = NSTemporaryDirectory() + "mien-png-\(getpid())-\(UUID().uuidString.prefix(8)).png"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(PNGEncoder.encode(image)).write(to: URL(fileURLWithPath: path))
        let output = try Tool.run("ffmpeg", ["-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", format, "-"])
        #expect(output.status == 0, "\(output.stderr)")
        return output.stdout
    }

    @Test func rgbPixelsReadBackExactly() throws {
        let pixels = (0..<(7 * 5 * 3)).map { UInt8(($0 * 37) % 256) }
        let image = PixelImage(width: 7, height: 5, layout: .rgb, pixels: pixels)
        #expect(try decoded(image, format: "rgb24") == Data(pixels))
    }

    @Test func imageLargerThanOneStoredBlockReadsBack() throws {
        let (width, height) = (200, 150)  // 90,150 bytes of rows: two stored deflate blocks
        let pixels = (0..<(width * height)).map { UInt8(($0 / 3 + $0 % 7) % 256) }
        let image = PixelImage(width: width, height: height, layout: .gray, pixels: pixels)
        #expect(try decoded(image, format: "gray") == Data(pixels))
    }

    @Test func knownChecksums() {
        #expect(PNGEncoder.crc32(Array("IEND".utf8)) == 0xAE42_6082)
        #expect(PNGEncoder.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
    }
}
