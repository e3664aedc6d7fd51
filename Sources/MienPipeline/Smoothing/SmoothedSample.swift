import MienFace

/// One sample of a face track after smoothing: its time, the smoothed emotion
/// and the smoothed probabilities. The raw probabilities are kept by the
/// caller beside it; this type carries only what smoothing produced.
public struct SmoothedSample: Sendable, Hashable {
    /// Seconds from the stream's first presentation timestamp, as in the input.
    public var t: Double
    /// Index of the smoothed emotion in `Emotion.allCases` (FER-2013 order).
    public var emotionIndex: Int
    /// Smoothed probabilities, one per emotion in `Emotion.allCases` order,
    /// each in 0...1, summing to 1 (to Float rounding).
    public var probs: [Float]

    /// Creates a sample.
    public init(t: Double, emotionIndex: Int, probs: [Float]) {
        self.t = t
        self.emotionIndex = emotionIndex
        self.probs = probs
    }

    /// The smoothed emotion.
    public var emotion: Emotion { Emotion.allCases[emotionIndex] }
}
