import Foundation
import MienMedia

/// Runs a classifier over a labelled `ImageFolder` and counts what it got right.
public enum ClassifierEvaluation {
    /// One image's class and the class a classifier gave it.
    public struct Prediction: Sendable, Equatable {
        /// Path of the image file.
        public let path: String
        /// The class its folder names.
        public let truth: Emotion
        /// The most probable class.
        public let predicted: Emotion

        /// Creates a prediction.
        public init(path: String, truth: Emotion, predicted: Emotion) {
            self.path = path
            self.truth = truth
            self.predicted = predicted
        }

        /// Whether the classifier got it right.
        public var isCorrect: Bool { truth == predicted }
    }

    /// The outcome of one evaluation.
    public struct Result: Sendable {
        /// True against predicted class of every image that was read.
        public var confusion = ConfusionMatrix()
        /// Every image that was read and its prediction, in the data set's order.
        public var predictions: [Prediction] = []
        /// Images that could not be decoded, with the reason.
        public var unreadable: [(path: String, reason: String)] = []
        /// Seconds spent decoding images.
        public var decodeSeconds = 0.0
        /// Seconds spent preprocessing and classifying.
        public var classifySeconds = 0.0

        /// An empty result.
        public init() {}

        /// Counts one prediction.
        mutating func add(_ prediction: Prediction) {
            confusion.add(truth: prediction.truth, predicted: prediction.predicted)
            predictions.append(prediction)
        }

        /// Classifies `faces` (cut from the images `items` name, in order) with
        /// `classifier`, counts each prediction and adds the time it took.
        mutating func classify(_ faces: [PixelImage], of items: [ImageFolder.Item],
                               with classifier: any EmotionClassifier) throws(ClassifierError) {
            let start = DispatchTime.now().uptimeNanoseconds
            let classes = try ClassifierEvaluation.predictedClasses(classifier, faces: faces)
            for (item, predicted) in zip(items, classes) {
                add(Prediction(path: item.path, truth: item.emotion, predicted: predicted))
            }
            classifySeconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
    }

    /// Decodes each image of `dataset` to gray (MienMedia), and classifies them
    /// in batches of `batch` faces (resized to the classifier's input by its
    /// preprocessing). The predicted class is the most probable output (the first
    /// one on a tie). An image that cannot be decoded is passed to `unreadable`
    /// as it happens and counted, and the evaluation goes on.
    /// - Throws: `ClassifierError` from the classifier (not from images).
    public static func run(_ classifier: any EmotionClassifier, on dataset: ImageFolder, batch: Int = 64,
                           unreadable: (String, String) -> Void = { _, _ in }) throws(ClassifierError) -> Result {
        try run([classifier], on: dataset, batch: batch, unreadable: unreadable)[0]
    }

    /// Evaluates several classifiers on the same images, decoding each image once:
    /// one `Result` per classifier, in order, each as `run(_:on:batch:unreadable:)`
    /// would give it (the decoding time is the shared one, in every result).
    /// - Throws: `ClassifierError` from a classifier (not from images).
    public static func run(_ classifiers: [any EmotionClassifier], on dataset: ImageFolder, batch: Int = 64,
                           unreadable: (String, String) -> Void = { _, _ in }) throws(ClassifierError) -> [Result] {
        precondition(batch > 0, "batch must be positive")
        var results = Array(repeating: Result(), count: classifiers.count)
        var faces: [PixelImage] = [], items: [ImageFolder.Item] = []
        func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
        func flush() throws(ClassifierError) {
            guard !faces.isEmpty else { return }
            for (c, classifier) in classifiers.enumerated() { try results[c].classify(faces, of: items, with: classifier) }
            faces.removeAll(keepingCapacity: true)
            items.removeAll(keepingCapacity: true)
        }
        var decodeSeconds = 0.0
        var failures: [(path: String, reason: String)] = []
        for item in dataset.items {
            let start = now()
            do {
                faces.append(try ImageFolder.grayImage(item.path))
                items.append(item)
            } catch {
                failures.append((item.path, error.reason))
                unreadable(item.path, error.reason)
            }
            decodeSeconds += Double(now() - start) / 1e9
            if faces.count == batch { try flush() }
        }
        try flush()
        for c in results.indices {
            results[c].unreadable = failures
            results[c].decodeSeconds = decodeSeconds
        }
        return results
    }

    /// The most probable class of each face (the first of equal maxima, as numpy.argmax).
    static func predictedClasses(_ classifier: any EmotionClassifier,
                                 faces: [PixelImage]) throws(ClassifierError) -> [Emotion] {
        try classifier.classify(faces: faces).map { row in classifier.labels[row.indices.max { row[$0] < row[$1] }!] }
    }
}
