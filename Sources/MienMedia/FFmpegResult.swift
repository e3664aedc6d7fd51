import CFFmpeg

/// Helpers that turn FFmpeg's integer return codes into Swift values and errors.
/// EAGAIN and EOF are control flow for the decoder and the demuxer, not failures,
/// so they have their own predicates.
enum FFmpegResult {
    static let eof = mien_averror_eof()
    static let again = mien_averror(EAGAIN)
    static let invalidData = mien_averror_invaliddata()
    static let noPTS = mien_av_nopts_value()

    /// FFmpeg's text for an error code, e.g. "Invalid data found when processing input".
    static func describe(_ code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        av_strerror(code, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Throws a `MediaError` with `code` and `context` when `result` is negative; returns it otherwise.
    @discardableResult
    static func check(
        _ result: Int32, _ code: MediaError.Code, path: String, _ context: @autoclosure () -> String
    ) throws(MediaError) -> Int32 {
        guard result < 0 else { return result }
        throw MediaError(
            code, path: path, "\(context()): \(describe(result))",
            ffmpegCode: result, ffmpegLog: FFmpegLog.recentErrors())
    }
}
