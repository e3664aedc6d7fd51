import MienFace

/// One track's emotions over a window, for raw or for smoothed probabilities.
public struct EmotionSummary: Sendable, Hashable {
    /// Share of the track's faces with each emotion as their label, in `Emotion.allCases` order; sums to 1.
    public var shares: [Double]
    /// Mean probability of each emotion over the track's faces, in `Emotion.allCases` order.
    public var meanProbabilities: [Double]
    /// The emotion with the largest share (the first in `Emotion.allCases` order on ties).
    public var dominant: Emotion
    /// Mean `Valence` over the faces, -1...1.
    public var valence: Double
    /// How often the label changed from one face of the track to its next.
    public var changes: Int
}
