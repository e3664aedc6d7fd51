import MienFace

/// A face's emotion after temporal smoothing along its track.
public struct SmoothedEmotion: Sendable, Hashable, Codable {
    /// The smoothed emotion: arg-max of `probs`, or the Viterbi state with `hmm`.
    public var emotion: Emotion
    /// Smoothed probabilities, one per emotion in `Emotion.allCases` order.
    public var probs: [Float]

    /// Creates a smoothed emotion.
    public init(emotion: Emotion, probs: [Float]) {
        self.emotion = emotion
        self.probs = probs
    }

    enum CodingKeys: String, CodingKey { case emotion, probs }

    /// Decodes from the timeline form (`probs` keyed by emotion name).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        emotion = try c.decode(Emotion.self, forKey: .emotion)
        probs = try EmotionProbabilities.vector(c.decode([String: Float].self, forKey: .probs), codingPath: c.codingPath + [CodingKeys.probs])
    }

    /// Encodes in the timeline form.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(emotion, forKey: .emotion)
        try c.encode(EmotionProbabilities.dictionary(probs), forKey: .probs)
    }
}
