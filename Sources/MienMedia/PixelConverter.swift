import CFFmpeg

/// Converts decoded frames to 8-bit gray or RGB with libswscale: full range,
/// optionally scaled down, then turned upright; HDR video (HLG, PQ) is
/// tone-mapped to standard range (`HDRToneMap`).
///
/// Limited-range ("TV") video is expanded to full range, so gray values match
/// what an RGB-to-gray conversion of a player's output gives. The scaling
/// context is cached and rebuilt only when the frame or the request changes.
final class PixelConverter {
    private let scaler = ScalerContext()
    /// Whether to use `LumaToGray` where it applies; tests turn it off to get the swscale reference.
    var useFastPaths = true

    /// The output size (upright) for a frame of `codedWidth` x `codedHeight`
    /// of pixels shaped `pixelAspect` (nil: square), turned `rotation` degrees.
    /// An upright request gets the displayed shape: non-square pixels are
    /// stretched to square ones (`SampleAspect`), then turned.
    static func outputSize(codedWidth: Int, codedHeight: Int, rotation: Int, pixelAspect: Rational? = nil,
                           request: PixelRequest) -> (width: Int, height: Int) {
        let sideways = request.upright && (rotation == 90 || rotation == 270)
        let shown = SampleAspect.displaySize(codedWidth, codedHeight, ratio: request.upright ? pixelAspect : nil)
        let (w, h) = sideways ? (shown.height, shown.width) : (shown.width, shown.height)
        var scale = request.allowUpscaling && (request.maxWidth != nil || request.maxHeight != nil) ? Double.infinity : 1.0
        if let maxWidth = request.maxWidth { scale = min(scale, Double(maxWidth) / Double(w)) }
        if let maxHeight = request.maxHeight { scale = min(scale, Double(maxHeight) / Double(h)) }
        guard scale != 1 else { return (w, h) }
        return (max(1, Int((Double(w) * scale).rounded())), max(1, Int((Double(h) * scale).rounded())))
    }

    func convert(_ frame: UnsafePointer<AVFrame>, rotation: Int, pixelAspect: Rational? = nil, request: PixelRequest,
                 path: String) throws(MediaError) -> PixelImage {
        let f = frame.pointee
        let srcW = Int(f.width), srcH = Int(f.height)
        guard srcW > 0 && srcH > 0 else {
            throw MediaError(.decodeFailed, path: path, "the decoder gave a frame of invalid size \(srcW)x\(srcH)")
        }
        let turn = request.upright ? rotation : 0
        let (outW, outH) = Self.outputSize(codedWidth: srcW, codedHeight: srcH, rotation: turn, pixelAspect: pixelAspect,
                                           request: request)
        let sideways = turn == 90 || turn == 270
        let (dstW, dstH) = sideways ? (outH, outW) : (outW, outH)  // before turning
        let (source, fullRangeSource) = Self.unJPEG(AVPixelFormat(rawValue: f.format))
        // Gray pictures (gray JPEG, PNG, TIFF) rarely state a range and are full range by
        // convention (swscale treats gray formats as full range); expanding them as if they
        // were limited range would stretch every value (a FER-2013 JPEG moved by up to 21 levels).
        let fullRange = fullRangeSource || f.color_range == AVCOL_RANGE_JPEG
            || (f.color_range == AVCOL_RANGE_UNSPECIFIED && Self.isGray(source))
        // HDR (HLG, PQ): 16 bits a sample out of swscale, then the tone curve to 8.
        let toneMap = HDRToneMap.forTransfer(f.color_trc)
        if useFastPaths && toneMap == nil && request.layout == .gray && dstW == srcW && dstH == srcH
            && LumaToGray.applies(to: source) {
            return ImageRotation.rotate(LumaToGray.convert(frame, fullRange: fullRange), clockwise: turn)
        }
        let destination: AVPixelFormat = switch (request.layout, toneMap != nil) {
        case (.gray, false): AV_PIX_FMT_GRAY8
        case (.rgb, false): AV_PIX_FMT_RGB24
        case (.rgbPlanar, false): AV_PIX_FMT_GBRP
        case (.gray, true): AV_PIX_FMT_GRAY16LE
        case (.rgb, true): AV_PIX_FMT_RGB48LE
        case (.rgbPlanar, true): AV_PIX_FMT_GBRP16LE
        }
        let flags = (dstW == srcW && dstH == srcH) ? SWS_POINT : SWS_BILINEAR
        let setup = ScalerContext.Setup(sourceWidth: srcW, sourceHeight: srcH, source: source, width: dstW, height: dstH,
                                        destination: destination, flags: flags, fullRangeSource: fullRange)
        guard let context = scaler.context(for: setup) else {
            throw MediaError(.decodeFailed, path: path,
                "cannot convert \(srcW)x\(srcH) frames of pixel format \(Self.name(source)) to \(request.layout)")
        }
        let sourceRange: Int32 = fullRange ? 1 : 0
        let colorspace = Self.swsColorspace(f.colorspace)
        _ = sws_setColorspaceDetails(context, sws_getCoefficients(colorspace), sourceRange,
                                     sws_getCoefficients(colorspace), 1, 0, 1 << 16, 1 << 16)

        // swscale's SIMD writers store whole blocks of pixels and can run past the end
        // of a row whose byte width is not a multiple of the block (heap corruption was
        // seen converting 572x562 to rgb24 into a tight buffer). So each plane gets rows
        // padded to 64 bytes plus a spare row, and the pixels are copied out tight after.
        let rowSamples = dstW * (request.layout == .rgb ? 3 : 1)
        let rowBytes = rowSamples * (toneMap == nil ? 1 : 2)
        let stride = (rowBytes + 63) / 64 * 64
        let planeCount = request.layout == .rgbPlanar ? 3 : 1
        let paddedPlane = stride * (dstH + 1)
        var padded = [UInt8](repeating: 0, count: paddedPlane * planeCount)
        var srcData = f.data
        var srcStride = f.linesize
        let height = withUnsafeMutableBytes(of: &srcData) { dataBytes in
            withUnsafeBytes(of: &srcStride) { strideBytes in
                padded.withUnsafeMutableBufferPointer { out -> Int32 in
                    let base = out.baseAddress!
                    // GBRP's planes are G, B, R; keep them in R, G, B order in the buffer.
                    let planes: [UnsafeMutablePointer<UInt8>?] = request.layout == .rgbPlanar
                        ? [base + paddedPlane, base + 2 * paddedPlane, base, nil]
                        : [base, nil, nil, nil]
                    let strides = [Int32](repeating: Int32(stride), count: planeCount) + [Int32](repeating: 0, count: 4 - planeCount)
                    let src = dataBytes.baseAddress!.assumingMemoryBound(to: UnsafePointer<UInt8>?.self)
                    let srcLines = strideBytes.baseAddress!.assumingMemoryBound(to: Int32.self)
                    return sws_scale(context, src, srcLines, 0, Int32(srcH), planes, strides)
                }
            }
        }
        guard height == Int32(dstH) else {
            throw MediaError(.decodeFailed, path: path, "pixel conversion produced \(height) of \(dstH) rows")
        }
        var pixels = [UInt8](repeating: 0, count: rowSamples * dstH * planeCount)
        pixels.withUnsafeMutableBufferPointer { out in
            padded.withUnsafeBufferPointer { from in
                for plane in 0..<planeCount {
                    for row in 0..<dstH {
                        let target = out.baseAddress! + (plane * dstH + row) * rowSamples
                        let samples = from.baseAddress! + plane * paddedPlane + row * stride
                        if let toneMap {
                            toneMap.map(samples, count: rowSamples, into: target)
                        } else {
                            target.update(from: samples, count: rowSamples)
                        }
                    }
                }
            }
        }
        let image = PixelImage(width: dstW, height: dstH, layout: request.layout, pixels: pixels)
        return ImageRotation.rotate(image, clockwise: turn)
    }

    /// Maps the deprecated full-range "yuvj" formats to their plain twins (swscale warns
    /// about the former) and says whether the source is full range.
    private static func unJPEG(_ format: AVPixelFormat) -> (AVPixelFormat, Bool) {
        switch format {
        case AV_PIX_FMT_YUVJ420P: (AV_PIX_FMT_YUV420P, true)
        case AV_PIX_FMT_YUVJ422P: (AV_PIX_FMT_YUV422P, true)
        case AV_PIX_FMT_YUVJ444P: (AV_PIX_FMT_YUV444P, true)
        case AV_PIX_FMT_YUVJ440P: (AV_PIX_FMT_YUV440P, true)
        case AV_PIX_FMT_YUVJ411P: (AV_PIX_FMT_YUV411P, true)
        default: (format, false)
        }
    }

    /// Whether `format` is a gray (luma-only) format, with or without alpha.
    private static func isGray(_ format: AVPixelFormat) -> Bool {
        guard let descriptor = av_pix_fmt_desc_get(format)?.pointee else { return false }
        return (descriptor.flags & UInt64(AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL)) == 0 && descriptor.nb_components <= 2
    }

    /// swscale's colorspace constant for a frame's colorspace (BT.601 when unspecified).
    private static func swsColorspace(_ space: AVColorSpace) -> Int32 {
        switch space {
        case AVCOL_SPC_BT709: SWS_CS_ITU709
        case AVCOL_SPC_FCC: SWS_CS_FCC
        case AVCOL_SPC_SMPTE240M: SWS_CS_SMPTE240M
        case AVCOL_SPC_BT2020_NCL, AVCOL_SPC_BT2020_CL: SWS_CS_BT2020
        default: SWS_CS_DEFAULT
        }
    }

    private static func name(_ format: AVPixelFormat) -> String {
        av_get_pix_fmt_name(format).map { String(cString: $0) } ?? "unknown"
    }
}
