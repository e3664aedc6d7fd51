/// Counts of (true class, predicted class) pairs over the seven emotions, and the
/// usual scores derived from them.
public struct ConfusionMatrix: Sendable, Equatable {
    /// `counts[t][p]`: faces of true class `t` predicted as `p`, both in `Emotion.allCases` order.
    public private(set) var counts: [[Int]]

    /// An empty matrix.
    public init() {
        counts = Array(repeating: Array(repeating: 0, count: Emotion.allCases.count), count: Emotion.allCases.count)
    }

    /// Counts one face.
    public mutating func add(truth: Emotion, predicted: Emotion) {
        counts[truth.index][predicted.index] += 1
    }

    /// Faces counted.
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }
    /// Faces predicted as their true class.
    public var correct: Int { Emotion.allCases.indices.reduce(0) { $0 + counts[$1][$1] } }
    /// `correct / total` (0 when empty).
    public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }

    /// Precision, recall, F1 and support of one class.
    public struct ClassScores: Sendable, Equatable, Codable {
        /// Of the faces predicted as this class, the share that are (0 when none was predicted).
        public var precision: Double
        /// Of the faces of this class, the share predicted as it (0 when there are none).
        public var recall: Double
        /// Harmonic mean of precision and recall (0 when both are 0).
        public var f1: Double
        /// Faces of this class.
        public var support: Int
    }

    /// The scores of `emotion`.
    public func scores(_ emotion: Emotion) -> ClassScores {
        let i = emotion.index
        let truePositives = counts[i][i]
        let support = counts[i].reduce(0, +)
        let predicted = counts.reduce(0) { $0 + $1[i] }
        let precision = predicted == 0 ? 0 : Double(truePositives) / Double(predicted)
        let recall = support == 0 ? 0 : Double(truePositives) / Double(support)
        let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
        return ClassScores(precision: precision, recall: recall, f1: f1, support: support)
    }

    /// Mean F1 over the classes that have faces.
    public var macroF1: Double {
        let present = Emotion.allCases.filter { scores($0).support > 0 }
        return present.isEmpty ? 0 : present.reduce(0) { $0 + scores($1).f1 } / Double(present.count)
    }
}
