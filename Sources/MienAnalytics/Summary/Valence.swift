import MienFace

/// Valence of one face: how pleasant its expression is, from -1 to 1.
///
/// `P(happy) - (P(angry) + P(disgust) + P(fear) + P(sad))`. `surprise` and
/// `neutral` count as neither positive nor negative (surprise can be either).
/// A face that is surely happy scores 1, one surely angry, disgusted, afraid or
/// sad -1, a neutral or surprised one 0.
public enum Valence {
    /// The emotions that count as positive.
    public static let positive: [Emotion] = [.happy]
    /// The emotions that count as negative.
    public static let negative: [Emotion] = [.angry, .disgust, .fear, .sad]

    /// The valence of `probs` (one per emotion, in `Emotion.allCases` order).
    public static func of(_ probs: [Float]) -> Double {
        let sum = { (emotions: [Emotion]) in emotions.reduce(0.0) { $0 + Double(probs[$1.index]) } }
        return sum(positive) - sum(negative)
    }
}
