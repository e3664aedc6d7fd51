import CFFmpeg

/// Owns a decoder for the chosen video stream and counts what it rejects.
///
/// Invalid packets are skipped and counted, never fatal: a damaged region in
/// the middle of a video costs the frames it holds, not the rest of the file.
final class VideoDecoder {
    let context: UnsafeMutablePointer<AVCodecContext>
    private let path: String
    /// Packets rejected and frames flagged as damaged.
    private(set) var corruptPackets = 0
    private(set) var corruptFrames = 0
    private(set) var frames = 0
    private(set) var lastError: String?

    init(choice: VideoStreamChoice, path: String, options: MediaOpenOptions) throws(MediaError) {
        self.path = path
        guard let context = avcodec_alloc_context3(choice.decoder) else {
            throw MediaError(.decodeFailed, path: path, "cannot allocate a decoder")
        }
        self.context = context
        try FFmpegResult.check(avcodec_parameters_to_context(context, choice.parameters),
                               .decodeFailed, path: path, "cannot configure the decoder")
        context.pointee.pkt_timebase = choice.stream.pointee.time_base
        context.pointee.thread_count = Int32(max(0, options.decoderThreads))
        if options.decoderThreads != 1 { context.pointee.thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE }
        var decoderOptions = FFmpegDictionary(["max_pixels": String(options.maxPixels)])
        try FFmpegResult.check(avcodec_open2(context, choice.decoder, &decoderOptions.pointer),
                               .unsupportedCodec, path: path,
                               "cannot open the \(String(cString: choice.decoder.pointee.name)) decoder")
    }

    deinit {
        var owned: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&owned)
    }

    /// Sends a packet, or nil to signal the end of the stream. Invalid packets are counted and skipped.
    func send(_ packet: Packet?) {
        let result = avcodec_send_packet(context, packet?.pointer)
        if result < 0 && result != FFmpegResult.eof {
            corruptPackets += 1
            lastError = FFmpegLog.recentErrors().last ?? FFmpegResult.describe(result)
        }
    }

    /// Fills `frame` with the next decoded frame; false when the decoder needs
    /// more input or is drained.
    func receive(into frame: Frame) -> Bool {
        for _ in 0..<8 {
            let result = avcodec_receive_frame(context, frame.pointer)
            if result == 0 {
                frames += 1
                if (frame.pointer.pointee.flags & AV_FRAME_FLAG_CORRUPT) != 0
                    || frame.pointer.pointee.decode_error_flags != 0 {
                    corruptFrames += 1
                }
                return true
            }
            if result == FFmpegResult.again || result == FFmpegResult.eof { return false }
            // A decoding error surfaced on the output side (frame threads): count it, try again.
            corruptPackets += 1
            lastError = FFmpegLog.recentErrors().last ?? FFmpegResult.describe(result)
        }
        return false
    }

    /// Drops buffered frames after a seek.
    func flush() { avcodec_flush_buffers(context) }
}
