/// Why a timeline could not be summarised or reported on: the message names
/// the file and the cause.
public struct AnalyticsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The whole message, naming the file.
    public var message: String

    /// Creates an error with `message`.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
