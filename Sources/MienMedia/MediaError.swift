/// An error from reading or writing media: what went wrong, with which file, and why.
///
/// Every failure the media module reports is a `MediaError`. Its `description`
/// names the input and the cause in one line, for example
/// `clip.mp4: truncated: the container index refers to 81,920 bytes but the file has 40,960`.
public struct MediaError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The kind of failure, stable across releases so callers and tests can branch on it.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The path does not exist.
        public static let notFound = Code(rawValue: "not_found")
        /// The path exists but cannot be read (a directory, no permission).
        public static let unreadable = Code(rawValue: "unreadable")
        /// The file has no bytes.
        public static let emptyFile = Code(rawValue: "empty_file")
        /// FFmpeg recognises no media format in the file.
        public static let notMedia = Code(rawValue: "not_media")
        /// The input is media but has no video stream (audio only, for example).
        public static let noVideoStream = Code(rawValue: "no_video_stream")
        /// The video codec is unknown or this FFmpeg build cannot decode it.
        public static let unsupportedCodec = Code(rawValue: "unsupported_codec")
        /// The frame size is zero, negative or beyond the configured limit.
        public static let absurdDimensions = Code(rawValue: "absurd_dimensions")
        /// A header, index or timestamp field holds a value no real file has: a
        /// duration of centuries, timestamps whose difference overflows, a byte
        /// position past the end of any file. The message names the field.
        public static let badHeader = Code(rawValue: "bad_header")
        /// The file ends before the data its container describes.
        public static let truncated = Code(rawValue: "truncated")
        /// The demuxer would read other files or resources (playlists, concat lists,
        /// image sequences) and that was not enabled.
        public static let refusedDemuxer = Code(rawValue: "refused_demuxer")
        /// A network URL was given and network input was not enabled.
        public static let networkDisabled = Code(rawValue: "network_disabled")
        /// Opening the input failed for another reason.
        public static let openFailed = Code(rawValue: "open_failed")
        /// Reading or decoding failed in a way the reader could not skip past.
        public static let decodeFailed = Code(rawValue: "decode_failed")
        /// A caller asked for something invalid (an empty time range, for example).
        public static let invalidRequest = Code(rawValue: "invalid_request")
        /// An output file cannot be created or written (missing folder, no permission, full disk).
        public static let cannotWrite = Code(rawValue: "cannot_write")
        /// Encoding or muxing an output failed, or the output container cannot hold a stream.
        public static let encodeFailed = Code(rawValue: "encode_failed")
    }

    /// The kind of failure.
    public var code: Code
    /// The input as the user named it.
    public var path: String
    /// What went wrong, for a person: the cause, in words they can act on.
    public var message: String
    /// The FFmpeg return code behind the failure, if any.
    public var ffmpegCode: Int32?
    /// The last error lines FFmpeg logged while the failing call ran (may be empty).
    public var ffmpegLog: [String]

    /// Creates an error for `path` with a cause in words.
    public init(_ code: Code, path: String, _ message: String, ffmpegCode: Int32? = nil, ffmpegLog: [String] = []) {
        self.code = code
        self.path = path
        self.message = message
        self.ffmpegCode = ffmpegCode
        self.ffmpegLog = ffmpegLog
    }

    /// The cause without the path, with FFmpeg's own words appended when they add something.
    public var reason: String {
        let extra = ffmpegLog.filter { !message.contains($0) }
        guard let last = extra.last else { return message }
        return "\(message) (ffmpeg: \(last))"
    }

    /// `path: reason`, one line.
    public var description: String { "\(path): \(reason)" }
}
