import Foundation
import MienTestSupport
import Testing

@testable import MienMedia

/// Phone photos: landscape pixels with an EXIF orientation that asks for a
/// turn. FFmpeg 5.1 ignores it for JPEG stills; Mien applies it.
@Suite("EXIF orientation of JPEG stills")
struct ExifOrientationTests {
    /// An APP1 Exif segment whose IFD0 holds `orientation` (a SHORT), in
    /// little- or big-endian TIFF order.
    static func exifSegment(orientation: Int, little: Bool) -> [UInt8] {
        func u16(_ v: Int) -> [UInt8] { little ? [UInt8(v & 0xFF), UInt8(v >> 8)] : [UInt8(v >> 8), UInt8(v & 0xFF)] }
        func u32(_ v: Int) -> [UInt8] { little ? u16(v & 0xFFFF) + u16(v >> 16) : u16(v >> 16) + u16(v & 0xFFFF) }
        // Two entries: another tag first (ImageWidth, LONG), then Orientation.
        let tiff: [UInt8] = (little ? [0x49, 0x49] : [0x4D, 0x4D]) + u16(42) + u32(8) + u16(2)
            + u16(0x0100) + u16(4) + u32(1) + u32(64)
            + u16(0x0112) + u16(3) + u32(1) + u16(orientation) + u16(0)
            + u32(0)
        let body: [UInt8] = Array("Exif".utf8) + [0, 0] + tiff
        return [0xFF, 0xE1] + [UInt8((body.count + 2) >> 8), UInt8((body.count + 2) & 0xFF)] + body
    }

    static let folder = NSTemporaryDirectory() + "mien-exif-\(getpid())"

    /// The 64x48 test-pattern JPEG, made once: the cases run in parallel, and
    /// one making it while another read it gave a file cut short.
    static let plainJPEG = Result<[UInt8], any Error> {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let plain = folder + "/plain-\(UUID().uuidString).jpg"
        try Tool.ffmpeg(["-f", "lavfi", "-i", "testsrc=size=64x48:rate=1", "-frames:v", "1", plain])
        defer { try? FileManager.default.removeItem(atPath: plain) }
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: plain)))
    }

    /// A 64x48 test-pattern JPEG with `segment` after its start marker, written to a new file.
    static func jpeg(with segment: [UInt8]) throws -> String {
        let bytes = try plainJPEG.get()
        let path = folder + "/\(UUID().uuidString).jpg"
        try Data(Array(bytes[..<2]) + segment + Array(bytes[2...])).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(arguments: [(1, 0), (3, 180), (6, 90), (8, 270), (2, 0), (4, 180), (5, 270), (7, 90)], [false, true])
    func theOrientationTurnsTheStill(orientation: (tag: Int, degrees: Int), little: Bool) throws {
        let path = try Self.jpeg(with: Self.exifSegment(orientation: orientation.tag, little: little))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let info = try VideoProber.probe(path)
        #expect(info.isImage && info.rotation == orientation.degrees)
        let sideways = orientation.degrees % 180 == 90
        #expect((info.width, info.height) == (sideways ? (48, 64) : (64, 48)))
        let reader = try VideoReader(path: path)
        let frame = try #require(try reader.nextFrame())
        let upright = try frame.image(PixelRequest(.gray))
        let coded = try frame.image(PixelRequest(.gray, upright: false))
        #expect((coded.width, coded.height) == (64, 48))
        #expect(upright == ImageRotation.rotate(coded, clockwise: orientation.degrees))
    }

    @Test func aStillWithoutOrientationIsNotTurned() throws {
        let plain = try Self.jpeg(with: [])
        defer { try? FileManager.default.removeItem(atPath: plain) }
        #expect(try VideoProber.probe(plain).rotation == 0)
        #expect(ExifOrientation.clockwiseDegrees(path: plain) == nil)
        #expect(ExifOrientation.clockwiseDegrees(path: plain + ".missing") == nil)
    }

    /// Damaged EXIF data is ignored, never trusted past its end.
    @Test func damagedExifIsIgnored() throws {
        let good = Self.exifSegment(orientation: 6, little: false)
        let soi: [UInt8] = [0xFF, 0xD8], sos: [UInt8] = [0xFF, 0xDA, 0, 2]
        #expect(ExifOrientation.clockwiseDegrees(jpeg: soi + good + sos) == 90)
        // Every truncation of the segment, and of its TIFF part.
        for cut in 0..<good.count {
            _ = ExifOrientation.clockwiseDegrees(jpeg: soi + Array(good[..<cut]))
            var shortened = good
            shortened.removeSubrange(cut..<good.count)
            _ = ExifOrientation.clockwiseDegrees(jpeg: soi + shortened + sos)
        }
        var value9 = good
        value9[value9.count - 8] = 0; value9[value9.count - 7] = 9      // orientation 9: none
        #expect(ExifOrientation.clockwiseDegrees(jpeg: soi + value9 + sos) == nil)
        var farIFD = good
        farIFD[14...17] = [0xFF, 0xFF, 0xFF, 0xF0]                      // IFD0 offset past the end
        #expect(ExifOrientation.clockwiseDegrees(jpeg: soi + farIFD + sos) == nil)
        var notTIFF = good
        notTIFF[10] = 0x58                                               // byte order neither II nor MM
        #expect(ExifOrientation.clockwiseDegrees(jpeg: soi + notTIFF + sos) == nil)
        #expect(ExifOrientation.clockwiseDegrees(jpeg: soi + sos + good) == nil, "EXIF after the image data is not looked for")
        #expect(ExifOrientation.clockwiseDegrees(jpeg: [0x89, 0x50, 0x4E, 0x47] + good) == nil, "not a JPEG")
        #expect(ExifOrientation.clockwiseDegrees(jpeg: soi + [0xFF, 0xE0, 0, 0] + good) == nil, "a segment length under 2")
    }
}
