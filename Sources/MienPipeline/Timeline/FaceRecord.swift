import MienFace

/// One face at one timestamp of a timeline.
///
/// Coordinates are in displayed pixels (upright, the video's own size):
/// `box` is `[x, y, width, height]` from the top-left corner, `landmarks`
/// the five MTCNN points (left eye, right eye, nose, left and right mouth
/// corner, as the viewer sees them) as `[x, y]`.
public struct FaceRecord: Sendable, Hashable, Codable {
    /// Track id, stable for the same face across the video (0, 1, ... in
    /// order of first appearance).
    public var track: Int
    /// `[x, y, width, height]` in displayed pixels.
    public var box: [Double]
    /// Detector confidence, 0...1.
    public var score: Double
    /// Five `[x, y]` points in displayed pixels.
    public var landmarks: [[Double]]
    /// Arg-max of `probs`.
    public var emotion: Emotion
    /// `probs` of `emotion`.
    public var confidence: Float
    /// Classifier probabilities, one per emotion in `Emotion.allCases` order, summing to 1.
    public var probs: [Float]
    /// The smoothed emotion, when smoothing is on.
    public var smoothed: SmoothedEmotion?

    /// Creates a face record; `emotion` and `confidence` are taken from `probs`.
    public init(track: Int, box: [Double], score: Double, landmarks: [[Double]], probs: [Float], smoothed: SmoothedEmotion? = nil) {
        self.track = track
        self.box = box
        self.score = score
        self.landmarks = landmarks
        self.probs = probs
        let best = FaceRecord.argmax(probs)
        self.emotion = Emotion.allCases[best]
        self.confidence = probs.isEmpty ? 0 : probs[best]
        self.smoothed = smoothed
    }

    enum CodingKeys: String, CodingKey {
        case track, box, score, landmarks, emotion, confidence, probs, smoothed
    }

    /// Decodes a face from its timeline form (`probs` keyed by emotion name).
    /// - Throws: `DecodingError` for a missing key, a wrong type, a box that is not 4
    ///   numbers or landmarks that are not 5 points (CSV columns must stay aligned).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        track = try c.decode(Int.self, forKey: .track)
        box = try c.decode([Double].self, forKey: .box)
        guard box.count == 4 else {
            throw DecodingError.dataCorruptedError(forKey: .box, in: c, debugDescription: "box has \(box.count) numbers, not 4 (x, y, width, height)")
        }
        score = try c.decode(Double.self, forKey: .score)
        landmarks = try c.decode([[Double]].self, forKey: .landmarks)
        guard landmarks.count == 5, landmarks.allSatisfy({ $0.count == 2 }) else {
            throw DecodingError.dataCorruptedError(forKey: .landmarks, in: c, debugDescription: "landmarks must be 5 [x, y] points")
        }
        emotion = try c.decode(Emotion.self, forKey: .emotion)
        confidence = try c.decode(Float.self, forKey: .confidence)
        probs = try EmotionProbabilities.vector(c.decode([String: Float].self, forKey: .probs), codingPath: c.codingPath + [CodingKeys.probs])
        smoothed = try c.decodeIfPresent(SmoothedEmotion.self, forKey: .smoothed)
    }

    /// Encodes a face in its timeline form (key order is not kept; `FrameRecord.jsonLine()` keeps it).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(track, forKey: .track)
        try c.encode(box, forKey: .box)
        try c.encode(score, forKey: .score)
        try c.encode(landmarks, forKey: .landmarks)
        try c.encode(emotion, forKey: .emotion)
        try c.encode(confidence, forKey: .confidence)
        try c.encode(EmotionProbabilities.dictionary(probs), forKey: .probs)
        try c.encodeIfPresent(smoothed, forKey: .smoothed)
    }

    /// Index of the largest value (the first on ties).
    static func argmax(_ values: [Float]) -> Int {
        var best = 0
        for i in values.indices where values[i] > values[best] { best = i }
        return best
    }
}
