/// The seven facial expressions of FER-2013, the label set of Mien's classifiers.
///
/// The cases are declared in FER-2013's own label order (0 angry ... 6 neutral),
/// which is also the order reports and confusion matrices use. A classifier's
/// output order is its own business: each one states it in `EmotionClassifier.labels`,
/// and code maps through that list, never through `rawValue` positions.
public enum Emotion: String, CaseIterable, Sendable, Codable, Hashable {
    case angry, disgust, fear, happy, sad, surprise, neutral

    /// The emotion named by an ImageFolder class folder (FER-2013's folder names are
    /// the raw values: `angry`, `disgust`, `fear`, `happy`, `neutral`, `sad`, `surprise`),
    /// case-insensitively; nil for any other name.
    public init?(folderName: String) {
        self.init(rawValue: folderName.lowercased())
    }

    /// Position in `Emotion.allCases` (FER-2013's label index).
    public var index: Int { Self.allCases.firstIndex(of: self)! }
}
