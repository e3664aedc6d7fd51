/// An error loading or running a network: what, where, and both shapes when they disagree.
public struct NNError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The kind of failure.
    public enum Code: String, Sendable {
        /// The weight file cannot be read or is not valid safetensors.
        case unreadableFile = "unreadable_file"
        /// A tensor the model needs is not in the file.
        case missingTensor = "missing_tensor"
        /// A tensor has another shape than the model needs.
        case shapeMismatch = "shape_mismatch"
        /// A tensor has a data type Mien does not read.
        case unsupportedType = "unsupported_type"
        /// The file holds tensors the model does not use.
        case unexpectedTensor = "unexpected_tensor"
        /// An input has the wrong shape for the network.
        case badInput = "bad_input"
    }

    /// The kind of failure.
    public var code: Code
    /// The message, naming the file, the key and both shapes where they matter.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
