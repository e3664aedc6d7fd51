import CFFmpeg
import Foundation
import MienTestSupport
import Testing
@testable import MienMedia

/// HDR video (HLG as phones record it, PQ as HDR10) comes out as the
/// standard-range picture it stands for: the same gray ramp in SDR, HLG and
/// PQ decodes to nearly the same pixels, where read as SDR the HDR ones are
/// far off.
@Suite("HDR to standard range")
struct HDRToneMapTests {
    let fx = Fixtures.shared

    func gray(_ path: String) throws -> PixelImage {
        try #require(try VideoReader(path: path).nextFrame()).image(PixelRequest(.gray))
    }

    /// FFmpeg's own 8-bit gray of `path`, with no tone mapping: what reading HDR as SDR gives.
    func untoneMapped(_ path: String) throws -> [UInt8] {
        [UInt8](try Tool.run("ffmpeg", ["-v", "error", "-i", path, "-frames:v", "1", "-vf", "scale=in_range=tv:out_range=pc",
                                        "-pix_fmt", "gray", "-f", "rawvideo", "-"]).stdout)
    }

    @Test(arguments: ["hlg", "pq", "hlg-full"])
    func theRampMatchesItsStandardRangeTwin(kind: String) throws {
        let hdr = kind == "hlg" ? fx.rampHLG : kind == "pq" ? fx.rampPQ : fx.rampHLGFull
        let sdr = try gray(fx.rampSDR), mapped = try gray(hdr)
        #expect((mapped.width, mapped.height) == (128, 32))
        // Leave out the top tenth of the ramp: the soft knee keeps highlights apart there, below standard white.
        let columns = 0..<115
        let pick = { (image: [UInt8]) in (0..<32).flatMap { y in columns.map { image[y * 128 + $0] } } }
        let near = meanAbsoluteDifference(pick(mapped.pixels), pick(sdr.pixels))
        let naive = meanAbsoluteDifference(pick(try untoneMapped(hdr)), pick(sdr.pixels))
        print("\(kind): mean difference from the SDR ramp \(near) levels tone-mapped, \(naive) read as SDR")
        #expect(near < 2, "tone-mapped: \(near) levels from the SDR ramp")
        #expect(naive > 5 * near, "read as SDR it is far off: \(naive) levels")
        let rgb = try #require(try VideoReader(path: hdr).nextFrame()).image(PixelRequest(.rgb))
        let rgbGray = (0..<(128 * 32)).map { rgb.pixels[3 * $0 + 1] }  // gray: any channel
        #expect(meanAbsoluteDifference(pick(rgbGray), pick(sdr.pixels)) < 2, "the colour path maps too")
        let planar = try #require(try VideoReader(path: hdr).nextFrame()).image(PixelRequest(.rgbPlanar))
        #expect(Array(planar.pixels[0..<(128 * 32)]) == rgbGray, "planar: the same red plane")
    }

    /// Scaled and full-range HDR requests keep the tone curve (swscale scales the 16-bit signal first).
    @Test func aScaledRequestIsToneMappedToo() throws {
        let reader = try VideoReader(path: fx.rampHLG)
        let frame = try #require(try reader.nextFrame())
        let half = try frame.image(PixelRequest(.gray, maxWidth: 64, maxHeight: 16))
        let full = try frame.image(PixelRequest(.gray))
        #expect((half.width, half.height) == (64, 16))
        // Column 2x of the full picture against column x of the half one (a ramp: nearly linear).
        let gaps = (1..<63).map { abs(Int(half.pixels[8 * 64 + $0]) - Int(full.pixels[16 * 128 + 2 * $0])) }
        #expect(gaps.max()! <= 3, "\(gaps)")
    }

    @Test func theCurvesMeetAtReferenceWhiteAndBlack() {
        for transfer in [HDRToneMap.Transfer.hlg, .pq] {
            #expect(HDRToneMap.sdrSignal(0, transfer: transfer) < 0.001)
            let table = transfer == .hlg ? HDRToneMap.hlg.table : HDRToneMap.pq.table
            #expect(zip(table, table.dropFirst()).allSatisfy { $0 <= $1 }, "never darker for a brighter signal")
            #expect(table.last! >= 250)
        }
        // HDR reference white (HLG 0.75; PQ 0.5807, 203 nits) comes out near standard white, just under it (the knee).
        #expect(abs(HDRToneMap.sdrSignal(0.75, transfer: .hlg) - 0.98) < 0.01)
        #expect(abs(HDRToneMap.sdrSignal(0.5807, transfer: .pq) - 0.98) < 0.01)
        // Highlights stay apart up to 1000 nits (HLG's peak, PQ 0.7518), and standard white is reached only there.
        let highlights = [0.8, 0.9, 0.95].map { HDRToneMap.sdrSignal($0, transfer: .hlg) }
        #expect(highlights[0] < highlights[1] && highlights[1] < highlights[2] && highlights[2] < 1, "\(highlights)")
        #expect(abs(HDRToneMap.sdrSignal(1, transfer: .hlg) - 1) < 0.001 && HDRToneMap.sdrSignal(0.7518, transfer: .pq) > 0.999)
        #expect(HDRToneMap.sdrSignal(0.9, transfer: .pq) == 1, "past the peak: clipped")
        // swscale's 16-bit white (65280) is the table's white.
        #expect(HDRToneMap.hlg.table[65280] == 255 && HDRToneMap.hlg.table[65280 * 3 / 4] >= 249)
        #expect(HDRToneMap.forTransfer(AVCOL_TRC_BT709) == nil && HDRToneMap.forTransfer(AVCOL_TRC_ARIB_STD_B67) != nil)
    }
}
