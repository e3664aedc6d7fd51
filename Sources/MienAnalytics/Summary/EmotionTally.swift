import MienFace

/// Running sums for one track's emotions: label counts, probability sums and
/// valence, for one kind of probabilities (raw or smoothed).
struct EmotionTally: Sendable {
    /// Faces counted.
    var samples = 0
    /// Faces per emotion label, in `Emotion.allCases` order.
    var labelCounts = [Int](repeating: 0, count: Emotion.allCases.count)
    /// Probability sums, in `Emotion.allCases` order.
    var probabilitySums = [Double](repeating: 0, count: Emotion.allCases.count)
    /// Sum of each face's `Valence`.
    var valenceSum = 0.0
    /// Times the label differed from the track's previous face.
    var changes = 0

    /// Counts one face with `label` and `probs`; `previous` is the track's
    /// label on its face before this one (in any window), nil for its first.
    mutating func add(label: Emotion, probs: [Float], previous: Emotion?) {
        samples += 1
        labelCounts[label.index] += 1
        for i in probs.indices { probabilitySums[i] += Double(probs[i]) }
        valenceSum += Valence.of(probs)
        if let previous, previous != label { changes += 1 }
    }

    /// What the sums come to; nil when no face was counted.
    var summary: EmotionSummary? {
        guard samples > 0 else { return nil }
        let n = Double(samples)
        var dominant = 0
        for i in labelCounts.indices where labelCounts[i] > labelCounts[dominant] { dominant = i }
        return EmotionSummary(
            shares: labelCounts.map { Double($0) / n }, meanProbabilities: probabilitySums.map { $0 / n },
            dominant: Emotion.allCases[dominant], valence: valenceSum / n, changes: changes)
    }
}
