import Foundation
import MienMedia
import MienNN

/// Several classifiers on the same faces as the analysis pipeline cuts them
/// (`mien eval --compare A B --align`): each image of a labelled
/// `ImageFolder` is enlarged and searched once (`UpscaledDetection`), and its
/// largest face is cut out by each classifier's own `FaceAligner` (the crop
/// side differs between classifiers) and classified. Images where the
/// detector finds no face are left out of every result (the pipeline writes
/// no record for them) and listed in `undetected`, so the results pair
/// image by image (`PairedPredictions`).
public enum AlignedComparison {
    /// The outcome: one `ClassifierEvaluation.Result` per classifier, in
    /// order, holding the images with a face (their `decodeSeconds` is the
    /// shared decoding, detection and alignment time).
    public struct Result: Sendable {
        /// Each classifier's predictions on the aligned faces.
        public var results: [ClassifierEvaluation.Result]
        /// Readable images in which no face was found, in the data set's order.
        public var undetected: [String] = []
        /// Seconds spent enlarging and detecting, and aligning.
        public var detectSeconds = 0.0, alignSeconds = 0.0
    }

    /// Runs `classifiers` (the `i`th on crops cut by `aligners[i]`) on `items`
    /// through `detector`, in batches of `batch` faces, enlarging each image
    /// `upscale` times with `margin` and `fill` (as `AlignedEvaluation.run`).
    /// An image that cannot be decoded is passed to `unreadable` and recorded
    /// as unreadable in every result.
    /// - Throws: `ClassifierError` from a classifier or an aligner, `NNError`
    ///   from the detector (not from unreadable images).
    public static func run(_ classifiers: [any EmotionClassifier], aligners: [FaceAligner], detector: any FaceDetector,
                           on items: [ImageFolder.Item], upscale: Int = 3, margin: Double = 0, fill: UInt8? = nil,
                           batch: Int = 64, unreadable: (String, String) -> Void = { _, _ in }) throws -> Result {
        precondition(batch > 0, "batch must be positive")
        precondition(classifiers.count == aligners.count, "one aligner per classifier")
        var result = Result(results: Array(repeating: ClassifierEvaluation.Result(), count: classifiers.count))
        var crops: [[PixelImage]] = Array(repeating: [], count: classifiers.count)
        var faceItems: [ImageFolder.Item] = []
        var failures: [(path: String, reason: String)] = []
        func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
        func flush() throws {
            guard !faceItems.isEmpty else { return }
            for (c, classifier) in classifiers.enumerated() {
                try result.results[c].classify(crops[c], of: faceItems, with: classifier)
                crops[c].removeAll(keepingCapacity: true)
            }
            faceItems.removeAll(keepingCapacity: true)
        }
        let started = now()
        for item in items {
            let image: PixelImage
            do { image = try ImageFolder.grayImage(item.path) } catch {
                failures.append((item.path, error.reason))
                unreadable(item.path, error.reason)
                continue
            }
            guard let found = try AlignedEvaluation.largestFace(in: image, detector: detector, upscale: upscale, margin: margin,
                                                                fill: fill, seconds: &result.detectSeconds) else {
                result.undetected.append(item.path)
                continue
            }
            let detected = now()
            for (c, aligner) in aligners.enumerated() {
                crops[c].append(try aligner.crop(found.image, landmarks: found.face.landmarks))
            }
            result.alignSeconds += Double(now() - detected) / 1e9
            faceItems.append(item)
            if faceItems.count == batch { try flush() }
        }
        try flush()
        let classifying = result.results.reduce(0) { $0 + $1.classifySeconds }
        for c in result.results.indices {
            result.results[c].unreadable = failures
            result.results[c].decodeSeconds = Double(now() - started) / 1e9 - classifying
        }
        return result
    }
}
