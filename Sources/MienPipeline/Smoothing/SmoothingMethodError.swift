/// A smoothing method that could not be read or used: what was wrong, the text
/// or input concerned, and a message that tells the user what to write instead.
public struct SmoothingMethodError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let raw: String
        /// The name before the colon is not `none`, `ema`, `window` or `hmm`.
        public static let unknownMethod = Code(raw: "unknownMethod")
        /// The text after the colon is not a number.
        public static let badParameter = Code(raw: "badParameter")
        /// The number is outside the method's range (see `SmoothingMethod.validate()`).
        public static let parameterOutOfRange = Code(raw: "parameterOutOfRange")
        /// `none` was given a parameter.
        public static let unexpectedParameter = Code(raw: "unexpectedParameter")
        /// A sample's probability vector does not have one entry per emotion.
        public static let wrongProbabilityCount = Code(raw: "wrongProbabilityCount")
        /// Sample times are not finite and non-decreasing.
        public static let unsortedTimes = Code(raw: "unsortedTimes")
        /// The code's name.
        public var description: String { raw }
    }

    /// What kind of problem this is.
    public var code: Code
    /// The text that was parsed, or a short description of the offending input.
    public var text: String
    /// A human explanation naming the text and what is accepted.
    public var message: String

    /// Creates an error.
    public init(code: Code, text: String, message: String) {
        self.code = code
        self.text = text
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
