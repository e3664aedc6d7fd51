import Foundation
import MienMedia

/// Runs a classifier over a labelled `ImageFolder` and counts what it got right.
public enum ClassifierEvaluation {
    /// The outcome of one evaluation.
    public struct Result: Sendable {
        /// True against predicted class of every image that was read.
        public var confusion = ConfusionMatrix()
        /// Images that could not be decoded, with the reason.
        public var unreadable: [(path: String, reason: String)] = []
        /// Seconds spent decoding images.
        public var decodeSeconds = 0.0
        /// Seconds spent preprocessing and classifying.
        public var classifySeconds = 0.0
    }

    /// Decodes each image of `dataset` to gray (MienMedia), and classifies them
    /// in batches of `batch` faces (resized to the classifier's input by its
    /// preprocessing). The predicted class is the most probable output (the first
    /// one on a tie). An image that cannot be decoded is passed to `unreadable`
    /// as it happens and counted, and the evaluation goes on.
    /// - Throws: `ClassifierError` from the classifier (not from images).
    public static func run(_ classifier: any EmotionClassifier, on dataset: ImageFolder, batch: Int = 64,
                           unreadable: (String, String) -> Void = { _, _ in }) throws(ClassifierError) -> Result {
        precondition(batch > 0, "batch must be positive")
        var result = Result()
        var faces: [PixelImage] = [], truths: [Emotion] = []
        func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
        func flush() throws(ClassifierError) {
            guard !faces.isEmpty else { return }
            let start = now()
            let rows = try classifier.classify(faces: faces)
            for (row, truth) in zip(rows, truths) {
                let best = row.indices.max { row[$0] < row[$1] }!  // keeps the first of equal maxima, as numpy.argmax
                result.confusion.add(truth: truth, predicted: classifier.labels[best])
            }
            result.classifySeconds += Double(now() - start) / 1e9
            faces.removeAll(keepingCapacity: true)
            truths.removeAll(keepingCapacity: true)
        }
        for item in dataset.items {
            let start = now()
            do {
                faces.append(try ImageFolder.grayImage(item.path))
                truths.append(item.emotion)
            } catch {
                result.unreadable.append((item.path, error.reason))
                unreadable(item.path, error.reason)
            }
            result.decodeSeconds += Double(now() - start) / 1e9
            if faces.count == batch { try flush() }
        }
        try flush()
        return result
    }
}
