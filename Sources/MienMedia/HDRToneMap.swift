import CFFmpeg
import Foundation

/// Brings HDR video to the standard-range picture the detectors and
/// classifiers were trained on.
///
/// Phones record HDR by default (an iPhone's camera writes 10-bit HEVC with
/// the HLG transfer; HDR10 and HDR10+ video, as other phones record, use PQ).
/// Read as if it were standard video, PQ is flat and washed out: 8 s of a
/// real clip converted to PQ gave the standard-range clip's top emotion in
/// 18 of 41 samples, tone-mapped 36 (two standard-range encodes of it agree
/// on 34: near ties). HLG is built to look right on a standard display, and
/// stays within that noise either way (34 and 33 of 41), with probabilities
/// a little closer tone-mapped. So a frame whose transfer is HLG (ARIB STD-B67) or PQ
/// (SMPTE ST 2084) is converted by swscale to 16 bits per sample, then each
/// sample goes through this curve:
/// - the signal to display light in nits: PQ's EOTF; for HLG its inverse
///   OETF and the system gamma of a 1000-nit display (1.2);
/// - HDR reference white (203 nits, where ITU-R BT.2408 puts diffuse white
///   and a lit face's highlights sit) to 95% of standard-range light (250
///   of 255 in the end): light up to 90% unchanged, and above it a knee that
///   brings 1000 nits (HLG's peak; PQ's taken the same) to standard white, so
///   highlights stay apart up to there and only brighter ones clip;
/// - back to a signal for a standard display (the inverse of BT.1886's gamma
///   2.4, as players and zimg map display light: with BT.709's camera OETF
///   instead, a 12% gray came out at 3%), 8 bits.
/// The mapping of 203 nits to standard white follows BT.2408; the knee and
/// the display gamma are this project's choices. The approximations: the HLG
/// system gamma is applied per sample (BT.2100 applies it to luminance), and
/// for gray pictures the curve is applied to luma Y'; BT.2020's wider
/// primaries are not mapped to BT.709's, so colours are a little less saturated.
struct HDRToneMap: Sendable {
    /// The HDR transfers handled.
    enum Transfer: Sendable { case hlg, pq }

    /// The curve's table: a 16-bit full-range HDR signal to an 8-bit SDR one.
    let table: [UInt8]

    static let hlg = HDRToneMap(.hlg)
    static let pq = HDRToneMap(.pq)
    /// HDR reference white, nits (ITU-R BT.2408).
    static let referenceWhite = 203.0
    /// Where the knee starts, as a fraction of standard-range light.
    static let knee = 0.9
    /// The light that the knee brings to standard white: 1000 nits.
    static let peak = 1000 / referenceWhite
    /// swscale's 16-bit white: 255 << 8, not 65535 (its limited-range 10-bit
    /// white 940 comes out as 65277 to 65283).
    static let white16 = 65280.0

    private init(_ transfer: Transfer) {
        table = (0...65535).map { code in
            let sdr = Self.sdrSignal(min(Double(code) / Self.white16, 1), transfer: transfer)
            return UInt8(max(0, min(255, (sdr * 255).rounded())))
        }
    }

    /// The map for a frame's transfer, or nil for standard-range video.
    static func forTransfer(_ transfer: AVColorTransferCharacteristic) -> HDRToneMap? {
        switch transfer {
        case AVCOL_TRC_ARIB_STD_B67: .hlg
        case AVCOL_TRC_SMPTE2084: .pq
        default: nil
        }
    }

    /// The standard-range signal (0...1) for an HDR signal (0...1): the curve the table holds.
    static func sdrSignal(_ signal: Double, transfer: Transfer) -> Double {
        let nits: Double
        switch transfer {
        case .pq:
            // SMPTE ST 2084 EOTF.
            let (m1, m2, c1, c2, c3) = (0.1593017578125, 78.84375, 0.8359375, 18.8515625, 18.6875)
            let p = pow(max(signal, 0), 1 / m2)
            nits = 10_000 * pow(max(p - c1, 0) / (c2 - c3 * p), 1 / m1)
        case .hlg:
            // ARIB STD-B67 inverse OETF to scene light, then a 1000-nit display's system gamma.
            let (a, b, c) = (0.17883277, 0.28466892, 0.55991073)
            let scene = signal <= 0.5 ? signal * signal / 3 : (exp((signal - c) / a) + b) / 12
            nits = 1000 * pow(max(scene, 0), 1.2)
        }
        var light = nits / referenceWhite
        if light > knee {
            // k + (x - k) / (1 + (x - k) / a): slope 1 at the knee, 1 at the peak, beyond it clipped.
            let a = (1 - knee) * (peak - knee) / (peak - 1)
            light = min(1, knee + (light - knee) / (1 + (light - knee) / a))
        }
        // A standard display's signal (BT.1886, gamma 2.4).
        return pow(max(light, 0), 1 / 2.4)
    }

    /// `count` 8-bit samples from as many 16-bit little-endian ones (the formats asked of swscale).
    func map(_ source: UnsafePointer<UInt8>, count: Int, into destination: UnsafeMutablePointer<UInt8>) {
        table.withUnsafeBufferPointer { lut in
            let samples = UnsafeRawPointer(source)
            for i in 0..<count {
                destination[i] = lut[Int(UInt16(littleEndian: samples.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))]
            }
        }
    }
}
