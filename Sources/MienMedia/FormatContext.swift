import CFFmpeg

/// An open input: owns FFmpeg's demuxer context and the I/O context under it.
///
/// Opening follows the safety rules of `MediaOpenOptions`: the URL goes through
/// `InputLocation`, the I/O context is restricted to the allowed protocols, the
/// format is detected from the bytes alone and checked against `DemuxerPolicy`
/// before the demuxer reads its header (which is when playlists open other files).
final class FormatContext {
    /// The input as the user named it, for messages.
    let path: String
    let pointer: UnsafeMutablePointer<AVFormatContext>
    private var io: UnsafeMutablePointer<AVIOContext>?

    init(path: String, options: MediaOpenOptions) throws(MediaError) {
        _ = FFmpegLog.install
        FFmpegLog.clear()
        self.path = path
        let url = try InputLocation.resolve(path, options: options)

        var io: UnsafeMutablePointer<AVIOContext>?
        var ioOptions = FFmpegDictionary(["protocol_whitelist": options.protocolWhitelist])
        let opened = avio_open2(&io, url, AVIO_FLAG_READ, nil, &ioOptions.pointer)
        try FFmpegResult.check(opened, .openFailed, path: path, "cannot open")
        guard let io else { throw MediaError(.openFailed, path: path, "cannot open") }

        var format: UnsafePointer<AVInputFormat>?
        // No file name: the format is judged from the bytes, so a name such as
        // "x%03d.jpg" cannot turn a single image into an image sequence.
        let probed = av_probe_input_buffer2(io, &format, nil, nil, 0, 0)
        guard probed >= 0, let format else {
            var closing: UnsafeMutablePointer<AVIOContext>? = io
            avio_closep(&closing)
            throw MediaError(.notMedia, path: path, "not a media file: FFmpeg recognises no audio, video or image format in it",
                             ffmpegCode: probed)
        }
        let demuxer = String(cString: format.pointee.name)
        if let refusal = DemuxerPolicy.refusal(for: demuxer, options: options) {
            var closing: UnsafeMutablePointer<AVIOContext>? = io
            avio_closep(&closing)
            throw MediaError(.refusedDemuxer, path: path, refusal)
        }

        var context: UnsafeMutablePointer<AVFormatContext>? = avformat_alloc_context()
        context?.pointee.pb = io
        var formatOptions = FFmpegDictionary([
            "protocol_whitelist": options.protocolWhitelist,
            "enable_drefs": "0",  // mov: never follow references to external files
        ])
        let result = avformat_open_input(&context, url, format, &formatOptions.pointer)
        guard result >= 0, let context else {
            var closing: UnsafeMutablePointer<AVIOContext>? = io
            avio_closep(&closing)
            throw Self.openError(result, path: path, demuxer: demuxer)
        }
        self.pointer = context
        self.io = io

        let info = avformat_find_stream_info(context, nil)
        try FFmpegResult.check(info, .openFailed, path: path, "cannot read stream information")
    }

    deinit {
        var context: UnsafeMutablePointer<AVFormatContext>? = pointer
        avformat_close_input(&context)
        avio_closep(&io)
    }

    /// The demuxer's name as FFmpeg gives it, e.g. "mov,mp4,m4a,3gp,3g2,mj2".
    var demuxerName: String { String(cString: pointer.pointee.iformat.pointee.name) }

    /// The streams of the input.
    var streams: [UnsafeMutablePointer<AVStream>] {
        (0..<Int(pointer.pointee.nb_streams)).compactMap { pointer.pointee.streams[$0] }
    }

    /// The size of the input in bytes, when the I/O layer knows it.
    var byteSize: Int64? {
        guard let io else { return nil }
        let size = avio_size(io)
        return size > 0 ? size : nil
    }

    private static func openError(_ code: Int32, path: String, demuxer: String) -> MediaError {
        let log = FFmpegLog.recentErrors()
        if log.contains(where: { $0.contains("moov atom not found") }) {
            return MediaError(.truncated, path: path,
                "truncated: the MP4/MOV index ('moov') is missing; the file was cut off or is still being written",
                ffmpegCode: code, ffmpegLog: log)
        }
        if let size = log.first(where: { $0.contains("Picture size") && $0.contains("invalid") }) {
            return MediaError(.absurdDimensions, path: path, "absurd frame size: \(size)", ffmpegCode: code, ffmpegLog: log)
        }
        if code == FFmpegResult.invalidData {
            return MediaError(.notMedia, path: path,
                "not a valid \(demuxer) file: \(FFmpegResult.describe(code))", ffmpegCode: code, ffmpegLog: log)
        }
        return MediaError(.openFailed, path: path, "cannot open as \(demuxer): \(FFmpegResult.describe(code))",
                          ffmpegCode: code, ffmpegLog: log)
    }
}

/// An `AVDictionary` of options, freed when it goes out of scope.
struct FFmpegDictionary: ~Copyable {
    var pointer: OpaquePointer?

    init(_ entries: [String: String]) {
        for (key, value) in entries { av_dict_set(&pointer, key, value, 0) }
    }

    deinit {
        var owned = pointer
        av_dict_free(&owned)
    }
}
