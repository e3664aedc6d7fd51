import Foundation
import MienMedia
import MienNN

/// Runs a classifier over a labelled `ImageFolder` of face crops as the
/// analysis pipeline would see them: each image is enlarged and searched
/// with MTCNN (`UpscaledDetection`), and the largest face is cut out of the
/// enlarged image by a `FaceAligner` and classified (`mien eval --align`).
///
/// FER-2013's images are already face crops, so this measures what the
/// detect-and-align path costs or gains over the plain crops. Every image is
/// also classified as a plain crop, so three scores come out:
/// * `aligned`: the images with a face, aligned crops;
/// * `plainOnDetected`: the same images, plain crops (the fair comparison);
/// * `withFallback`: every readable image, aligned when a face was found, else
///   the plain crop (comparable with `ClassifierEvaluation` on the whole set).
public enum AlignedEvaluation {
    /// The outcome of one evaluation.
    public struct Result: Sendable {
        /// Images with a face, classified from the aligned crop.
        public var aligned = ConfusionMatrix()
        /// The same images, classified from the plain crop.
        public var plainOnDetected = ConfusionMatrix()
        /// Every readable image: aligned when a face was found, plain otherwise.
        public var withFallback = ConfusionMatrix()
        /// Readable images in which no face was found.
        public var undetected = 0
        /// Images that could not be decoded, with the reason.
        public var unreadable: [(path: String, reason: String)] = []
        /// Seconds spent enlarging and detecting, aligning, and classifying.
        public var detectSeconds = 0.0, alignSeconds = 0.0, classifySeconds = 0.0
    }

    /// Evaluates `classifier` on `items` through `detector` and `aligner`, in
    /// batches of `batch` faces, enlarging each image `upscale` times for the detector.
    /// - Throws: `ClassifierError` from the classifier or the aligner,
    ///   `NNError` from the detector (not from unreadable images, which are reported and counted).
    public static func run(_ classifier: any EmotionClassifier, detector: any FaceDetector, aligner: FaceAligner,
                           on items: [ImageFolder.Item], upscale: Int = 3, margin: Double = 0, fill: UInt8? = nil, batch: Int = 64,
                           unreadable: (String, String) -> Void = { _, _ in }) throws -> Result {
        precondition(batch > 0, "batch must be positive")
        var result = Result()
        var plain: [PixelImage] = [], aligned: [PixelImage?] = [], truths: [Emotion] = []
        func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
        func flush() throws {
            guard !plain.isEmpty else { return }
            let start = now()
            let plainGuess = try ClassifierEvaluation.predictedClasses(classifier, faces: plain)
            var alignedGuess = try ClassifierEvaluation.predictedClasses(classifier, faces: aligned.compactMap { $0 })
                .makeIterator()
            for (i, truth) in truths.enumerated() {
                if aligned[i] != nil, let guess = alignedGuess.next() {
                    result.aligned.add(truth: truth, predicted: guess)
                    result.plainOnDetected.add(truth: truth, predicted: plainGuess[i])
                    result.withFallback.add(truth: truth, predicted: guess)
                } else {
                    result.withFallback.add(truth: truth, predicted: plainGuess[i])
                }
            }
            result.classifySeconds += Double(now() - start) / 1e9
            plain.removeAll(keepingCapacity: true)
            aligned.removeAll(keepingCapacity: true)
            truths.removeAll(keepingCapacity: true)
        }
        for item in items {
            let crop: PixelImage
            do { crop = try ImageFolder.grayImage(item.path) } catch {
                result.unreadable.append((item.path, error.reason))
                unreadable(item.path, error.reason)
                continue
            }
            let found = try largestFace(in: crop, detector: detector, upscale: upscale, margin: margin, fill: fill,
                                        seconds: &result.detectSeconds)
            let detected = now()
            if let found {
                aligned.append(try aligner.crop(found.image, landmarks: found.face.landmarks))
            } else {
                aligned.append(nil)
                result.undetected += 1
            }
            result.alignSeconds += Double(now() - detected) / 1e9
            plain.append(crop)
            truths.append(item.emotion)
            if plain.count == batch { try flush() }
        }
        try flush()
        return result
    }

    /// The largest face the detector finds in `crop` enlarged `upscale` times
    /// with `margin` and `fill` (`UpscaledDetection`), with the enlarged image
    /// it was found in; nil when there is none. Adds the time spent to `seconds`.
    /// - Throws: `NNError` from the detector.
    static func largestFace(in crop: PixelImage, detector: any FaceDetector, upscale: Int, margin: Double, fill: UInt8?,
                            seconds: inout Double) throws(NNError) -> (image: PixelImage, face: FaceDetection)? {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { seconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        let found = try UpscaledDetection(crop, factor: upscale, margin: margin, fill: fill, detector: detector)
        return found.faces.first.map { (found.image, $0) }
    }

    /// `count` items spread evenly over `items` (every `items.count / count`-th
    /// one, so each class keeps its share), or all of them when `count` is nil or not smaller.
    public static func subset(_ items: [ImageFolder.Item], count: Int?) -> [ImageFolder.Item] {
        guard let count, count < items.count else { return items }
        return (0..<count).map { items[$0 * items.count / count] }
    }
}
