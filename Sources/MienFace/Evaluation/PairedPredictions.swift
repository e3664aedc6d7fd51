/// Two classifiers' predictions on the same data set, matched image by image:
/// the images both classified, in the first one's order, and those left out
/// because one of them has no prediction for them (unreadable for it).
public struct PairedPredictions: Sendable {
    /// A's prediction on each image both classified.
    public let a: [ClassifierEvaluation.Prediction]
    /// B's prediction on the same images, in the same order.
    public let b: [ClassifierEvaluation.Prediction]
    /// Images left out of the comparison (unreadable for A, for B, or both), sorted.
    public let excluded: [String]

    /// Matches the predictions of two evaluations of the same data set by image path.
    public init(_ a: ClassifierEvaluation.Result, _ b: ClassifierEvaluation.Result) {
        let byPath = Dictionary(b.predictions.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        var pairedA: [ClassifierEvaluation.Prediction] = [], pairedB: [ClassifierEvaluation.Prediction] = []
        for prediction in a.predictions {
            guard let other = byPath[prediction.path] else { continue }
            pairedA.append(prediction)
            pairedB.append(other)
        }
        let paired = Set(pairedA.map(\.path))
        let everyImage = Set(a.predictions.map(\.path) + b.predictions.map(\.path)
            + a.unreadable.map(\.path) + b.unreadable.map(\.path))
        self.a = pairedA
        self.b = pairedB
        excluded = everyImage.subtracting(paired).sorted()
    }

    /// Images compared.
    public var count: Int { a.count }
    /// Whether A got each compared image right.
    public var aCorrect: [Bool] { a.map(\.isCorrect) }
    /// Whether B got each compared image right.
    public var bCorrect: [Bool] { b.map(\.isCorrect) }
}
