import CFFmpeg
import Foundation

/// Writes a video file: RGB images encoded as H.264 (else MPEG-4 Part 2) with
/// the timestamps the caller gives, and the audio of a source file copied in
/// unchanged, interleaved by time. The container comes from the output's
/// extension (`.mp4`, `.mov`, `.mkv`, ...).
///
/// ```swift
/// let writer = try VideoWriter(path: "out.mp4", like: reader.info, audioFrom: "in.mp4")
/// try writer.append(image, as: frame)   // for each decoded frame, in order
/// try writer.finish()
/// ```
/// The file is written under a temporary name beside `path` and renamed into
/// place by `finish()`, so `path` never holds half a video; a writer dropped
/// before `finish()` removes its temporary file.
public final class VideoWriter {
    /// The output as the caller named it.
    public let path: String
    /// The video encoder used (`libx264` or `mpeg4`).
    public var encoderName: String { encoder.name }
    /// The codec of the audio copied in, nil when there is none.
    public var audioCodec: String? { audio?.codecName }

    private let output: UnsafeMutablePointer<AVFormatContext>
    private let temporaryPath: String
    private let encoder: VideoEncoder
    private let videoStream: UnsafeMutablePointer<AVStream>
    private let audio: AudioPassthrough?
    private let audioStream: UnsafeMutablePointer<AVStream>?
    private let timeBase: AVRational
    private let sourceTimeBase: AVRational
    private let startPTS: Int64
    private let sourceDuration: Double
    /// The last frame appended, not yet encoded: image, timestamp and length in the encoder's time base.
    private var pending: (image: PixelImage, pts: Int64, ticks: Int64)?
    private let packet = Packet()
    private var lastPTS: Int64?
    private var finished = false

    /// Creates `path` for a video of `info`'s displayed size and time base,
    /// with the audio of `audioSource` (nil: no audio).
    /// - Throws: `MediaError` with `path` when the container is unknown, cannot
    ///   hold the source's audio codec, the file cannot be created (`.cannotWrite`),
    ///   or no encoder opens; with the source's path when it cannot be read.
    public init(path: String, like info: VideoInfo, audioFrom audioSource: String?, codec: VideoCodecChoice = .automatic,
                options: MediaOpenOptions = MediaOpenOptions()) throws(MediaError) {
        _ = FFmpegLog.install
        self.path = path
        guard let format = av_guess_format(nil, path, nil) else {
            throw MediaError(.invalidRequest, path: path,
                "cannot tell the container from the file name; end it with .mp4, .mov or .mkv")
        }
        let formatName = String(cString: format.pointee.name)
        if (format.pointee.flags & AVFMT_NOFILE) != 0 || ["image2", "gif", "apng", "webp"].contains(formatName) {
            throw MediaError(.invalidRequest, path: path,
                "the \(formatName) muxer writes images, not a video; end the name with .mp4, .mov or .mkv")
        }
        let url = URL(fileURLWithPath: path)
        temporaryPath = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.deletingPathExtension().lastPathComponent).partial-\(getpid()).\(url.pathExtension)").path
        var context: UnsafeMutablePointer<AVFormatContext>?
        try FFmpegResult.check(avformat_alloc_output_context2(&context, format, nil, temporaryPath), .encodeFailed,
                               path: path, "cannot set up the \(String(cString: format.pointee.name)) muxer")
        guard let context else { throw MediaError(.encodeFailed, path: path, "cannot set up the muxer") }
        output = context
        sourceTimeBase = AVRational(num: Int32(info.timeBase.num), den: Int32(info.timeBase.den))
        startPTS = info.startPTS
        sourceDuration = info.duration
        do throws(MediaError) {
            timeBase = Self.encoderTimeBase(info.timeBase, codec: codec)
            let rate = info.fps.map { av_d2q($0, 1 << 16) } ?? AVRational(num: 0, den: 1)
            let globalHeader = (format.pointee.flags & AVFMT_GLOBALHEADER) != 0
            encoder = try VideoEncoder(choice: codec, width: info.width, height: info.height, timeBase: timeBase,
                                       frameRate: rate, globalHeader: globalHeader, path: path)
            guard avformat_query_codec(format, encoder.context.pointee.codec_id, FF_COMPLIANCE_NORMAL) != 0 else {
                throw MediaError(.encodeFailed, path: path,
                    "the \(formatName) container cannot hold \(String(cString: avcodec_get_name(encoder.context.pointee.codec_id))) video; end the name with .mp4, .mov or .mkv")
            }
            videoStream = try Self.addStream(to: context, path: path)
            try FFmpegResult.check(avcodec_parameters_from_context(videoStream.pointee.codecpar, encoder.context),
                                   .encodeFailed, path: path, "cannot describe the video stream")
            videoStream.pointee.time_base = timeBase
            videoStream.pointee.avg_frame_rate = rate
            audio = if let audioSource { try AudioPassthrough(path: audioSource, options: options) } else { nil }
            if let audio {
                let codecID = audio.stream.pointee.codecpar.pointee.codec_id
                // 1: it can, 0: it cannot, negative: the muxer does not say (then its header decides).
                guard avformat_query_codec(format, codecID, FF_COMPLIANCE_NORMAL) != 0 else {
                    throw MediaError(.encodeFailed, path: path,
                        "the \(formatName) container cannot hold the input's \(audio.codecName) audio; "
                        + "write .mkv or .mov instead, or leave the audio out (--no-audio)")
                }
                let stream = try Self.addStream(to: context, path: path)
                try FFmpegResult.check(avcodec_parameters_copy(stream.pointee.codecpar, audio.stream.pointee.codecpar),
                                       .encodeFailed, path: path, "cannot describe the audio stream")
                stream.pointee.codecpar.pointee.codec_tag = 0
                stream.pointee.time_base = audio.stream.pointee.time_base
                audioStream = stream
            } else {
                audioStream = nil
            }
            if (format.pointee.flags & AVFMT_NOFILE) == 0 {
                let opened = avio_open(&context.pointee.pb, temporaryPath, AVIO_FLAG_WRITE)
                guard opened >= 0 else {
                    throw MediaError(.cannotWrite, path: path, "cannot write the output: \(FFmpegResult.describe(opened))",
                                     ffmpegCode: opened)
                }
            }
            try FFmpegResult.check(avformat_write_header(context, nil), .encodeFailed, path: path,
                                   "cannot write the \(String(cString: format.pointee.name)) header")
        } catch {
            Self.close(context, removing: temporaryPath)
            throw error
        }
    }

    deinit {
        if !finished { Self.close(output, removing: temporaryPath) }
    }

    /// Encodes `image` (`.rgb`, the video's displayed size) as `frame`: shown at
    /// the frame's own timestamp (else, when it has none, at its time from the
    /// stream's start) for its duration, after copying the source's audio up to
    /// that time. Frames come in presentation order; a timestamp not after the
    /// previous one is moved one tick after it. Each frame is encoded when the
    /// next one comes (or at `finish()`), so the last can be given the length
    /// that ends it where the source's video ends.
    /// - Throws: `MediaError` when encoding or writing fails.
    public func append(_ image: PixelImage, as frame: DecodedFrame) throws(MediaError) {
        let sourcePTS = frame.pts != FFmpegResult.noPTS ? frame.pts
            : startPTS + Int64((frame.time / av_q2d(sourceTimeBase)).rounded())
        var stamp = av_rescale_q(sourcePTS, sourceTimeBase, timeBase)
        if let lastPTS, stamp <= lastPTS { stamp = lastPTS + 1 }
        lastPTS = stamp
        let ticks = max(0, Int64((frame.duration / av_q2d(timeBase)).rounded()))
        try encodePending()
        pending = (image, stamp, ticks)
    }

    /// Flushes the encoder, copies the rest of the audio, writes the container's
    /// index and renames the file into place.
    /// - Throws: `MediaError` when any of it fails (the temporary file is then removed).
    public func finish() throws(MediaError) {
        guard !finished else { return }
        if let last = pending {
            // The source's stated end, when it is within half a frame of the frame's own length
            // (a header's duration can also count audio, or be missing).
            let end = av_rescale_q(startPTS, sourceTimeBase, timeBase) + Int64((sourceDuration / av_q2d(timeBase)).rounded())
            if end - last.pts > 0, abs(end - last.pts - last.ticks) * 2 <= last.ticks { pending?.ticks = end - last.pts }
        }
        try encodePending()
        try encoder.finish()
        try drainVideo()
        try copyAudio(upTo: nil)
        try FFmpegResult.check(av_write_trailer(output), .encodeFailed, path: path, "cannot finish the file")
        finished = true
        Self.close(output, removing: nil)
        if rename(temporaryPath, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw MediaError(.cannotWrite, path: path, "cannot move the finished video into place: \(reason)")
        }
    }

    /// Encodes the frame held back, after the audio up to its time.
    private func encodePending() throws(MediaError) {
        guard let (image, pts, ticks) = pending else { return }
        pending = nil
        try copyAudio(upTo: Double(pts) * av_q2d(timeBase))
        try encoder.send(image, pts: pts, duration: ticks)
        try drainVideo()
    }

    private func drainVideo() throws(MediaError) {
        while try encoder.receive(into: packet) {
            av_packet_rescale_ts(packet.pointer, timeBase, videoStream.pointee.time_base)
            packet.pointer.pointee.stream_index = videoStream.pointee.index
            try write(packet.pointer)
        }
    }

    private func copyAudio(upTo seconds: Double?) throws(MediaError) {
        guard let audio, let audioStream else { return }
        try audio.copy(upTo: seconds) { (packet) throws(MediaError) in
            av_packet_rescale_ts(packet, audio.stream.pointee.time_base, audioStream.pointee.time_base)
            packet.pointee.stream_index = audioStream.pointee.index
            packet.pointee.pos = -1
            try write(packet)
        }
    }

    private func write(_ packet: UnsafeMutablePointer<AVPacket>) throws(MediaError) {
        let result = av_interleaved_write_frame(output, packet)
        guard result >= 0 else {
            let code: MediaError.Code = result == mien_averror(ENOSPC) || result == mien_averror(EIO) ? .cannotWrite : .encodeFailed
            throw MediaError(code, path: path, "cannot write a packet: \(FFmpegResult.describe(result))",
                             ffmpegCode: result, ffmpegLog: FFmpegLog.recentErrors())
        }
    }

    /// The source's time base, except where MPEG-4 Part 2 cannot take it (a
    /// denominator over 65535, such as MPEG-TS's 1/90000): then milliseconds.
    private static func encoderTimeBase(_ source: Rational, codec: VideoCodecChoice) -> AVRational {
        let base = AVRational(num: Int32(source.num), den: Int32(source.den))
        let mayBeMPEG4 = codec == .mpeg4 || (codec == .automatic && avcodec_find_encoder_by_name("libx264") == nil)
        return mayBeMPEG4 && source.den > 65535 ? AVRational(num: 1, den: 1000) : base
    }

    private static func addStream(to context: UnsafeMutablePointer<AVFormatContext>, path: String) throws(MediaError)
        -> UnsafeMutablePointer<AVStream> {
        guard let stream = avformat_new_stream(context, nil) else {
            throw MediaError(.encodeFailed, path: path, "cannot add a stream to the output")
        }
        return stream
    }

    /// Closes the muxer and its file; removes `temporary` when given.
    private static func close(_ context: UnsafeMutablePointer<AVFormatContext>, removing temporary: String?) {
        if (context.pointee.oformat.pointee.flags & AVFMT_NOFILE) == 0 { avio_closep(&context.pointee.pb) }
        avformat_free_context(context)
        if let temporary { unlink(temporary) }
    }
}
