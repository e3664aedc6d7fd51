/// A registered classifier and the precision it runs in, written `NAME` or
/// `NAME:PRECISION` on the command line (`expression-net`, `mini-xception:fp32`,
/// `expression-net:int8`); the precision defaults to fp32.
public struct ClassifierConfiguration: Sendable, Equatable, CustomStringConvertible {
    /// The registered name (`ClassifierRegistry.names`).
    public let name: String
    /// The arithmetic it runs in.
    public let precision: Precision
    /// The model folder its weights come from; nil: the usual one (`ModelDirectory.locate()`).
    public var folder: String? = nil

    /// A configuration of `name` in `precision`, from `folder` when one is given.
    public init(name: String, precision: Precision = .fp32, folder: String? = nil) {
        self.name = name
        self.precision = precision
        self.folder = folder
    }

    /// Reads `NAME` or `NAME:PRECISION`. The name is checked when the model is
    /// loaded (`load()`), the precision here.
    /// - Throws: `ClassifierError.unknownClassifier` when the name is empty or
    ///   the precision is not one of `Precision`'s (the message lists them).
    public init(parsing text: String) throws(ClassifierError) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let example = "write NAME or NAME:PRECISION, e.g. \(ClassifierRegistry.defaultName):int8"
        guard let name = parts.first, !name.isEmpty else {
            throw ClassifierError(.unknownClassifier, "'\(text)': no classifier name (\(example))")
        }
        guard parts.count == 2 else { self.init(name: name); return }
        guard let precision = Precision(rawValue: parts[1]) else {
            let known = Precision.allCases.map(\.rawValue).joined(separator: ", ")
            throw ClassifierError(.unknownClassifier, "'\(text)': unknown precision '\(parts[1])'; known: \(known)")
        }
        self.init(name: name, precision: precision)
    }

    /// `NAME:PRECISION`, the precision always written (the folder is not).
    public var description: String { "\(name):\(precision.rawValue)" }

    /// Loads the model (`ClassifierRegistry.load(_:precision:)`), from `folder` when it is set.
    /// - Throws: `ClassifierError.unknownClassifier` for an unknown name or a
    ///   precision the model has no form in, or the model's load error.
    public func load() throws(ClassifierError) -> any EmotionClassifier {
        guard let folder else { return try ClassifierRegistry.load(name, precision: precision) }
        do {
            return try ModelDirectory.withFolder(folder) { try ClassifierRegistry.load(name, precision: precision) }
        } catch let error as ClassifierError {
            throw error
        } catch {
            throw ClassifierError(.badWeights, "\(name): \(error)")
        }
    }
}
