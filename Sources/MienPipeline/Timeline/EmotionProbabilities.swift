import MienFace

/// Converts probability vectors to and from the timeline's JSON form, an
/// object keyed by emotion name (`{"angry": 0.02, ..., "neutral": 0.14}`).
enum EmotionProbabilities {
    /// The vector (in `Emotion.allCases` order) as a name-keyed dictionary.
    static func dictionary(_ probs: [Float]) -> [String: Float] {
        Dictionary(uniqueKeysWithValues: zip(Emotion.allCases.map(\.rawValue), probs))
    }

    /// The name-keyed dictionary as a vector in `Emotion.allCases` order.
    /// - Throws: `DecodingError.dataCorrupted` when an emotion is missing or an unknown name is present.
    static func vector(_ dictionary: [String: Float], codingPath: [any CodingKey]) throws -> [Float] {
        let names = Emotion.allCases.map(\.rawValue)
        if let unknown = dictionary.keys.sorted().first(where: { !names.contains($0) }) {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "unknown emotion \"\(unknown)\" in probs"))
        }
        return try names.map { name in
            guard let p = dictionary[name] else {
                throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "probs lacks \"\(name)\""))
            }
            return p
        }
    }
}
