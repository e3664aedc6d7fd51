import CFFmpeg

/// Encodes RGB images into compressed video packets: converts each image to
/// the encoder's YUV format (limited range, BT.601, tagged as such), sends it
/// with its timestamp and hands back the packets the encoder produces.
///
/// H.264 is encoded by libx264 with CRF 20 at the `veryfast` preset, 4:2:0
/// (4:4:4 for an odd width or height, which 4:2:0 cannot hold); MPEG-4 Part 2
/// at quantiser 3, 4:2:0 only.
final class VideoEncoder {
    let context: UnsafeMutablePointer<AVCodecContext>
    /// The FFmpeg encoder's name (`libx264`, `mpeg4`).
    let name: String
    private let path: String
    private let frame = Frame()
    private let rgb = Frame()
    private var scaler: OpaquePointer?
    /// Frame durations by timestamp, for packets the encoder leaves without one.
    private var durations: [Int64: Int64] = [:]

    /// Opens the first encoder of `choice` this FFmpeg build has, for `width` x
    /// `height` frames timed in `timeBase`; `globalHeader` when the container wants one.
    init(choice: VideoCodecChoice, width: Int, height: Int, timeBase: AVRational, frameRate: AVRational,
         globalHeader: Bool, path: String) throws(MediaError) {
        self.path = path
        guard let (codec, name) = choice.encoderNames.lazy
            .compactMap({ name in avcodec_find_encoder_by_name(name).map { ($0, name) } }).first else {
            throw MediaError(.unsupportedCodec, path: path,
                "this FFmpeg build has no \(choice.encoderNames.joined(separator: " or ")) encoder")
        }
        let odd = width % 2 == 1 || height % 2 == 1
        if odd && name != "libx264" {
            throw MediaError(.unsupportedCodec, path: path,
                "the \(name) encoder cannot encode the odd frame size \(width)x\(height) (it needs 4:2:0, even sizes)")
        }
        guard let context = avcodec_alloc_context3(codec) else {
            throw MediaError(.encodeFailed, path: path, "cannot allocate the \(name) encoder")
        }
        self.context = context
        self.name = name
        context.pointee.width = Int32(width)
        context.pointee.height = Int32(height)
        context.pointee.pix_fmt = odd ? AV_PIX_FMT_YUV444P : AV_PIX_FMT_YUV420P
        context.pointee.time_base = timeBase
        context.pointee.framerate = frameRate
        context.pointee.color_range = AVCOL_RANGE_MPEG
        context.pointee.colorspace = AVCOL_SPC_SMPTE170M
        context.pointee.thread_count = 0
        if globalHeader { context.pointee.flags |= Int32(AV_CODEC_FLAG_GLOBAL_HEADER) }
        if name == "libx264" {
            av_opt_set(context.pointee.priv_data, "preset", "veryfast", 0)
            av_opt_set(context.pointee.priv_data, "crf", "20", 0)
        } else {
            context.pointee.flags |= Int32(AV_CODEC_FLAG_QSCALE)
            context.pointee.global_quality = 3 * FF_QP2LAMBDA
        }
        try FFmpegResult.check(avcodec_open2(context, codec, nil), .encodeFailed, path: path, "cannot open the \(name) encoder")
        try Self.allocate(frame, width: width, height: height, format: context.pointee.pix_fmt, path: path)
        try Self.allocate(rgb, width: width, height: height, format: AV_PIX_FMT_RGB24, path: path)
        frame.pointer.pointee.color_range = AVCOL_RANGE_MPEG
        frame.pointer.pointee.colorspace = AVCOL_SPC_SMPTE170M
    }

    deinit {
        sws_freeContext(scaler)
        var owned: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&owned)
    }

    /// Sends `image` (`.rgb`, the encoder's size) to be shown at `pts` for `duration` (time-base units).
    func send(_ image: PixelImage, pts: Int64, duration: Int64) throws(MediaError) {
        let width = Int(context.pointee.width), height = Int(context.pointee.height)
        guard image.layout == .rgb, image.width == width, image.height == height else {
            throw MediaError(.invalidRequest, path: path,
                "a \(image.width)x\(image.height) \(image.layout) image cannot go into a \(width)x\(height) video")
        }
        try FFmpegResult.check(av_frame_make_writable(frame.pointer), .encodeFailed, path: path, "cannot reuse the frame buffer")
        let stride = Int(rgb.pointer.pointee.linesize.0)
        let base = rgb.pointer.pointee.data.0!
        image.pixels.withUnsafeBufferPointer { pixels in
            for row in 0..<height {
                (base + row * stride).update(from: pixels.baseAddress! + row * width * 3, count: width * 3)
            }
        }
        try convert(height: height)
        frame.pointer.pointee.pts = pts
        frame.pointer.pointee.pkt_duration = duration
        durations[pts] = duration
        try FFmpegResult.check(avcodec_send_frame(context, frame.pointer), .encodeFailed, path: path,
                               "the \(name) encoder refused a frame")
    }

    /// Signals the end of the frames, so the encoder gives back what it holds.
    func finish() throws(MediaError) {
        try FFmpegResult.check(avcodec_send_frame(context, nil), .encodeFailed, path: path, "cannot drain the \(name) encoder")
    }

    /// The next packet into `packet`; false when the encoder needs more frames or is drained.
    func receive(into packet: Packet) throws(MediaError) -> Bool {
        let result = avcodec_receive_packet(context, packet.pointer)
        if result == FFmpegResult.again || result == FFmpegResult.eof { return false }
        try FFmpegResult.check(result, .encodeFailed, path: path, "the \(name) encoder failed")
        let stated = durations.removeValue(forKey: packet.pointer.pointee.pts)
        if packet.pointer.pointee.duration <= 0, let stated { packet.pointer.pointee.duration = stated }
        return true
    }

    /// Full-range RGB to the encoder's limited-range BT.601 YUV, with swscale.
    private func convert(height: Int) throws(MediaError) {
        let width = Int32(context.pointee.width)
        scaler = sws_getCachedContext(scaler, width, Int32(height), AV_PIX_FMT_RGB24, width, Int32(height),
                                      context.pointee.pix_fmt, SWS_POINT, nil, nil, nil)
        guard let scaler else { throw MediaError(.encodeFailed, path: path, "cannot convert RGB to the encoder's pixel format") }
        let coefficients = sws_getCoefficients(SWS_CS_ITU601)
        _ = sws_setColorspaceDetails(scaler, coefficients, 1, coefficients, 0, 0, 1 << 16, 1 << 16)
        let source = rgb.pointer, destination = frame.pointer
        let rows = withUnsafePointer(to: &source.pointee.data) { sourceData in
            withUnsafePointer(to: &source.pointee.linesize) { sourceStrides in
                withUnsafePointer(to: &destination.pointee.data) { destinationData in
                    withUnsafePointer(to: &destination.pointee.linesize) { destinationStrides in
                        sws_scale(scaler,
                                  UnsafeRawPointer(sourceData).assumingMemoryBound(to: UnsafePointer<UInt8>?.self),
                                  UnsafeRawPointer(sourceStrides).assumingMemoryBound(to: Int32.self),
                                  0, Int32(height),
                                  UnsafeRawPointer(destinationData).assumingMemoryBound(to: UnsafeMutablePointer<UInt8>?.self),
                                  UnsafeRawPointer(destinationStrides).assumingMemoryBound(to: Int32.self))
                    }
                }
            }
        }
        guard rows == Int32(height) else {
            throw MediaError(.encodeFailed, path: path, "pixel conversion produced \(rows) of \(height) rows")
        }
    }

    private static func allocate(_ frame: Frame, width: Int, height: Int, format: AVPixelFormat, path: String) throws(MediaError) {
        frame.pointer.pointee.width = Int32(width)
        frame.pointer.pointee.height = Int32(height)
        frame.pointer.pointee.format = format.rawValue
        try FFmpegResult.check(av_frame_get_buffer(frame.pointer, 64), .encodeFailed, path: path,
                               "cannot allocate a \(width)x\(height) frame")
    }
}
