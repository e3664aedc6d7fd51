import CFFmpeg

/// Fast path for gray at native size: copies the luma plane of a planar or
/// semi-planar YUV frame through a lookup table that expands limited range
/// (16...235) to full range (0...255).
///
/// The reference is the general swscale path in `PixelConverter`; tests check
/// that both agree within one grey level on every fixture. This path does
/// about a third of the work (no colour conversion, one table lookup a pixel).
enum LumaToGray {
    /// `round((y - 16) * 255 / 219)`, clamped to 0...255.
    static let limitedToFull: [UInt8] = (0..<256).map { y in
        UInt8(max(0, min(255, ((Double(y) - 16) * 255 / 219).rounded())))
    }

    /// Whether plane 0 of `format` is 8-bit luma, one byte a pixel (YUV planar, NV12, gray).
    static func applies(to format: AVPixelFormat) -> Bool {
        guard let descriptor = av_pix_fmt_desc_get(format)?.pointee else { return false }
        let unsupported = UInt64(AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL | AV_PIX_FMT_FLAG_BE | AV_PIX_FMT_FLAG_BITSTREAM
            | AV_PIX_FMT_FLAG_HWACCEL | AV_PIX_FMT_FLAG_FLOAT)
        let luma = descriptor.comp.0
        return (descriptor.flags & unsupported) == 0 && descriptor.nb_components >= 1
            && luma.plane == 0 && luma.depth == 8 && luma.step == 1 && luma.shift == 0 && luma.offset == 0
    }

    /// The luma plane of `frame` as a full-range gray image (coded orientation).
    static func convert(_ frame: UnsafePointer<AVFrame>, fullRange: Bool) -> PixelImage {
        let f = frame.pointee
        let width = Int(f.width), height = Int(f.height), stride = Int(f.linesize.0)
        var pixels = [UInt8](repeating: 0, count: width * height)
        guard let source = f.data.0 else { return PixelImage(width: width, height: height, layout: .gray, pixels: pixels) }
        pixels.withUnsafeMutableBufferPointer { out in
            limitedToFull.withUnsafeBufferPointer { table in
                for row in 0..<height {
                    let from = source + row * stride
                    let to = out.baseAddress! + row * width
                    if fullRange {
                        to.update(from: from, count: width)
                    } else {
                        for x in 0..<width { to[x] = table[Int(from[x])] }
                    }
                }
            }
        }
        return PixelImage(width: width, height: height, layout: .gray, pixels: pixels)
    }
}
