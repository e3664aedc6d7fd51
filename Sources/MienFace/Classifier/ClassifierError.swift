/// An error loading a classifier or classifying faces: what went wrong and with which file.
public struct ClassifierError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The kind of failure.
    public enum Code: String, Sendable {
        /// No classifier is registered under the requested name.
        case unknownClassifier = "unknown_classifier"
        /// The weight file is missing, unreadable or does not fit the model.
        case badWeights = "bad_weights"
        /// A face image has a layout or size the classifier cannot take.
        case badFace = "bad_face"
        /// An evaluation data set folder is missing, empty or not an ImageFolder.
        case badDataset = "bad_dataset"
        /// Landmarks given to the face aligner are missing, not finite or all in one place.
        case badLandmarks = "bad_landmarks"
    }

    /// The kind of failure.
    public var code: Code
    /// The message, naming the file or input and the cause.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
