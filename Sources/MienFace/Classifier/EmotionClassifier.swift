import MienMedia
import MienNN

/// A network that maps gray face crops to probabilities over emotions.
///
/// Implementations are registered by name in `ClassifierRegistry`, so that
/// `mien eval --classifier NAME` and the pipeline can pick one. They are
/// immutable after loading and safe to share between threads.
public protocol EmotionClassifier: Sendable {
    /// The registry name (`expression-net`, `mini-xception`).
    var name: String { get }
    /// The emotion of each output, in the network's output order.
    var labels: [Emotion] { get }
    /// Input size and pixel mapping.
    var preprocessing: FacePreprocessing { get }
    /// Parameters of the original model, as its weight file holds them (batch-norm statistics included).
    var parameterCount: Int { get }
    /// Multiply-adds to classify one face (convolutions after batch-norm folding).
    var multiplyAdds: Int { get }
    /// Size of the weight file in bytes.
    var weightFileBytes: Int { get }
    /// The weight file read.
    var weightFile: String { get }

    /// Probabilities `[N, labels.count]` for a preprocessed batch `[N, 1, height, width]`.
    /// - Throws: `ClassifierError.badFace` when the batch has another shape.
    func probabilities(_ input: Tensor) throws(ClassifierError) -> Tensor
}

extension EmotionClassifier {
    /// Side of the square crop `FaceAligner` should cut for this classifier: its
    /// input width, so the face is resampled once, from the frame, and never again
    /// by `classify(faces:)`. Measured for mini-Xception (64): PublicTest through
    /// YuNet and alignment scored 2.1 points higher at 96 px faces than with 48 px
    /// crops resized to 64 (Models/README.md, "Face alignment").
    public var alignedCropSide: Int { preprocessing.width }

    /// Softmax probabilities of the faces in `input`, whose logits `logits`
    /// computes `chunk` faces at a time (so that a chunk's activations stay in
    /// the core's cache from layer to layer).
    func softmax(_ input: Tensor, inChunksOf chunk: Int, logits: (Tensor) -> Tensor) -> Tensor {
        let n = input.shape[0]
        guard n > chunk else { return Softmax.apply(logits(input)) }
        var parts: [Tensor] = []
        for first in stride(from: 0, to: n, by: chunk) {
            parts.append(logits(input.batch(first..<min(n, first + chunk))))
        }
        return Softmax.apply(Tensor.concatenate(parts))
    }

    /// Probabilities for each face (gray crops of any size, resized as the model's
    /// training pipeline did), one row per face in `labels` order, computed as one batch.
    /// - Throws: `ClassifierError.badFace` when a face is not a non-empty gray image.
    public func classify(faces: [PixelImage]) throws(ClassifierError) -> [[Float]] {
        guard !faces.isEmpty else { return [] }
        let output = try probabilities(preprocessing.tensor(faces: faces))
        let k = labels.count
        return (0..<faces.count).map { Array(output.data[($0 * k)..<(($0 + 1) * k)]) }
    }

    /// Checks that `input` is `[N, 1, height, width]`.
    /// - Throws: `ClassifierError.badFace` naming both shapes.
    public func checkInput(_ input: Tensor) throws(ClassifierError) {
        let expected = [1, preprocessing.height, preprocessing.width]
        guard input.rank == 4, Array(input.shape.dropFirst()) == expected else {
            throw ClassifierError(.badFace, "\(name): input must be [N, \(expected.map(String.init).joined(separator: ", "))], got \(input.shape)")
        }
    }
}
