import MienFace

/// Classifies each aligned face into the seven emotions.
struct ClassificationStage: FrameStage {
    let name = "classify"
    let classifier: any EmotionClassifier
    let parallel: ParallelFrames
    /// Position in the classifier's output of each emotion of `Emotion.allCases`.
    let order: [Int]

    init(classifier: any EmotionClassifier, parallel: ParallelFrames) {
        self.classifier = classifier
        self.parallel = parallel
        let labels = classifier.labels
        order = Emotion.allCases.map { emotion in labels.firstIndex(of: emotion)! }
    }

    mutating func process(_ batch: inout [FrameWork]) throws {
        let classifier = self.classifier, order = self.order
        parallel.forEach(&batch) { frame in
            guard !frame.isWarmUp else { return }
            let raw = try classifier.classify(faces: frame.crops)
            frame.probs = raw.map { row in order.map { row[$0] } }
            frame.crops = []
        }
    }
}
