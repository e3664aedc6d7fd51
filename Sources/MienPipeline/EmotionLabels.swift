/// The seven FER-2013 emotions in the fixed order every timeline uses for
/// probability vectors: angry, disgust, fear, happy, sad, surprise, neutral.
public enum EmotionLabels {
    /// The names, in order.
    public static let names = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]
    /// Number of classes.
    public static var count: Int { names.count }
}
