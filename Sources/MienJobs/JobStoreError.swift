/// Why a store operation failed, with a stable code.
public struct JobStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable cause.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let raw: String
        /// The store location cannot be parsed or is not supported.
        public static let badLocation = Code(raw: "bad_location")
        /// The store cannot be reached or opened.
        public static let unavailable = Code(raw: "unavailable")
        /// The store did not answer within the call's bound (the server or the
        /// network went silent). Whether the call took effect is unknown: a
        /// fenced call (`complete`, ...) may or may not have been applied.
        public static let timedOut = Code(raw: "timed_out")
        /// The store's schema is newer than this program knows.
        public static let schemaTooNew = Code(raw: "schema_too_new")
        /// No job with that id.
        public static let unknownJob = Code(raw: "unknown_job")
        /// No video with that id.
        public static let unknownVideo = Code(raw: "unknown_video")
        /// A query failed.
        public static let queryFailed = Code(raw: "query_failed")
        /// The code's stable name (`bad_location`, ...).
        public var description: String { raw }
    }

    /// The cause.
    public var code: Code
    /// The whole message, naming the store (never its password).
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
