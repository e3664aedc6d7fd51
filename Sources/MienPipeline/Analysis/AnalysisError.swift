/// Why an analysis could not be done, with a stable code for `meta.json`.
public struct AnalysisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, machine-readable cause.
    public struct Code: Sendable, Hashable, Codable, CustomStringConvertible {
        let raw: String
        /// A setting is out of range or unknown.
        public static let badSettings = Code(raw: "bad_settings")
        /// A job file cannot be read or parsed.
        public static let badJobFile = Code(raw: "bad_job_file")
        /// An input path names nothing, or a folder with no files.
        public static let badInput = Code(raw: "bad_input")
        /// Models could not be loaded.
        public static let modelUnavailable = Code(raw: "model_unavailable")
        /// The output folder or a file in it cannot be written.
        public static let outputFailed = Code(raw: "output_failed")
        /// A timeline file cannot be read back (export).
        public static let badTimeline = Code(raw: "bad_timeline")
        /// Analysing frames failed in a way that stops the video.
        public static let analysisFailed = Code(raw: "analysis_failed")
        /// A stop was asked for (Ctrl-C, SIGTERM) before the work was finished.
        public static let interrupted = Code(raw: "interrupted")
        public var description: String { raw }
        public init(from decoder: any Decoder) throws { raw = try decoder.singleValueContainer().decode(String.self) }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            try c.encode(raw)
        }
        init(raw: String) { self.raw = raw }
    }

    /// The cause.
    public var code: Code
    /// The whole message, naming the file where there is one.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
