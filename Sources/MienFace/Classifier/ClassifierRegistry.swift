/// The emotion classifiers Mien knows, by name (`mien eval --classifier NAME`).
///
/// A new model is added with one more `Entry`: its name, a line saying what it
/// is, and how to load it from the model folder.
public enum ClassifierRegistry {
    /// One registered classifier.
    public struct Entry: Sendable {
        /// The name used on the command line.
        public let name: String
        /// What the model is, in one line.
        public let summary: String
        /// Loads the model from the model folder (`ModelDirectory`).
        public let load: @Sendable () throws(ClassifierError) -> any EmotionClassifier
        /// Loads the model's int8 form, when it has one.
        public var loadInt8: (@Sendable () throws(ClassifierError) -> any EmotionClassifier)? = nil
    }

    /// Every classifier, the default first.
    public static let entries: [Entry] = [
        Entry(name: "expression-net",
              summary: "Mien's own residual network of depthwise-separable blocks with squeeze-excitation (Models/training), 48x48 gray, 7 emotions, trained on FER-2013",
              load: { () throws(ClassifierError) in try ExpressionNet.load() },
              loadInt8: { () throws(ClassifierError) in try QuantizedExpressionNet.load() }),
        Entry(name: "mini-xception",
              summary: "mini-Xception (fer 25.10.3), 64x64 gray, 7 emotions, trained on FER-2013",
              load: { () throws(ClassifierError) in try MiniXception.load() },
              loadInt8: { () throws(ClassifierError) in try QuantizedMiniXception.load() }),
    ]

    /// The default classifier's name.
    public static var defaultName: String { entries[0].name }

    /// The registered names.
    public static var names: [String] { entries.map(\.name) }

    /// Loads the classifier registered as `name`.
    /// - Throws: `ClassifierError.unknownClassifier` listing the known names, or the model's load error.
    public static func load(_ name: String) throws(ClassifierError) -> any EmotionClassifier {
        guard let entry = entries.first(where: { $0.name == name }) else {
            throw ClassifierError(.unknownClassifier,
                "unknown classifier '\(name)'; known: \(names.joined(separator: ", "))")
        }
        return try entry.load()
    }

    /// Loads the classifier registered as `name` in `precision`.
    /// - Throws: `ClassifierError.unknownClassifier` for an unknown name or a
    ///   precision the model has no form in, or the model's load error.
    public static func load(_ name: String, precision: Precision) throws(ClassifierError) -> any EmotionClassifier {
        guard precision == .int8 else { return try load(name) }
        guard let entry = entries.first(where: { $0.name == name }) else { return try load(name) }
        guard let loadInt8 = entry.loadInt8 else {
            let available = entries.filter { $0.loadInt8 != nil }.map(\.name)
            throw ClassifierError(.unknownClassifier, "classifier '\(name)' has no int8 form"
                + (available.isEmpty ? "" : "; int8: \(available.joined(separator: ", "))"))
        }
        return try loadInt8()
    }
}
