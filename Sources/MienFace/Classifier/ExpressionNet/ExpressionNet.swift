import Foundation
import MienNN

/// Mien's own expression classifier, trained on FER-2013 by `Models/training`
/// (a residual CNN with squeeze-excitation, of ResNet basic blocks, `dense`, or
/// of depthwise-separable blocks, `ds`): 48x48 gray faces in, 7 softmax
/// probabilities out.
///
/// ```
/// [N, 1, 48, 48]        pixels mapped by (x / 255 - 0.5) / 0.25
/// conv 3x3 pad 1 + ReLU                        stem (ds: then dw3x3, pw1x1 + ReLU)
/// blocks per stage (first one strided)         BasicBlock or SeparableBlock; the shipped ds: 2 x 96 @24, 3 x 192 @12, 2 x 384 @6
/// global average pool, linear                  [N, 7] logits
/// softmax                                      [N, 7]
/// ```
///
/// The architecture is read from the weight file's metadata and the weights by
/// their PyTorch names; `load(path:)` folds every batch norm into the
/// convolution before it (see `ExpressionNet+Loading.swift`).
public struct ExpressionNet: EmotionClassifier {
    /// The weight file's name in the model folder.
    public static let weightFileName = "expression_net.safetensors"

    public let name = "expression-net"
    public let labels: [Emotion]
    public let preprocessing: FacePreprocessing
    public let parameterCount: Int
    public let weightFileBytes: Int
    public let weightFile: String

    /// conv 3x3 + BN + ReLU (ds: then the separable convolution).
    let stem: ExpressionStem
    /// The residual blocks in order.
    let blocks: [any ExpressionBlock]
    /// The linear classifier on the pooled features.
    let head: Dense
    /// Whether each face's probabilities are the mean of the face's and its
    /// mirror image's (horizontal-flip test-time averaging, as the training
    /// code's evaluation does it). The weight file's `flip_averaging` metadata
    /// sets it; it doubles the work per face.
    public let flipAveraging: Bool

    init(labels: [Emotion], inputSize: Int, stem: ExpressionStem, blocks: [any ExpressionBlock], head: Dense, flipAveraging: Bool,
         parameterCount: Int, weightFileBytes: Int, weightFile: String) {
        self.labels = labels
        self.flipAveraging = flipAveraging
        self.preprocessing = Self.preprocessing(size: inputSize)
        (self.stem, self.blocks, self.head) = (stem, blocks, head)
        (self.parameterCount, self.weightFileBytes, self.weightFile) = (parameterCount, weightFileBytes, weightFile)
    }

    /// The training pipeline's input mapping at `size` x `size`: uint8 to [0, 1]
    /// by `/ 255` (torch `float().div_(255)`), then the model's first operation
    /// `(x - 0.5) / 0.25`, both in float32 as PyTorch computes them.
    public static func preprocessing(size: Int) -> FacePreprocessing {
        FacePreprocessing(width: size, height: size, formula: "(x / 255 - 0.5) / 0.25") { x in
            let unit: Float = Float(x) / 255
            return (unit - 0.5) / 0.25
        }
    }

    public var multiplyAdds: Int {
        var (h, w) = (preprocessing.height, preprocessing.width)
        var total = stem.multiplyAdds(height: h, width: w)
        (h, w) = stem.outputSize(height: h, width: w)
        for block in blocks {
            total += block.multiplyAdds(height: h, width: w)
            (h, w) = block.outputSize(height: h, width: w)
        }
        total += head.inputs * head.outputs
        return flipAveraging ? 2 * total : total
    }

    /// Images run through the network together; a batch is cut into chunks of
    /// this size so that a chunk's activations (221 KB per image at the widest
    /// layer) mostly stay in the core's 1 MB L2 cache from layer to layer.
    /// Not tuned.
    static let chunk = 4

    public func probabilities(_ input: Tensor) throws(ClassifierError) -> Tensor {
        try checkInput(input)
        let n = input.shape[0]
        guard n > 0 else { return Softmax.apply(logits(input)) }
        var parts: [Tensor] = []
        for first in stride(from: 0, to: n, by: Self.chunk) {
            parts.append(chunkProbabilities(input.batch(first..<min(n, first + Self.chunk))))
        }
        return parts.count == 1 ? parts[0] : Tensor.concatenate(parts)
    }

    /// Softmax of the logits of a few faces, averaged with their mirror images' when `flipAveraging`.
    func chunkProbabilities(_ x: Tensor) -> Tensor {
        Self.probabilities(x, flipAveraging: flipAveraging) { logits($0) }
    }

    /// Softmax of `logits(x)`, or with `flipAveraging` the mean of the faces' and
    /// their mirror images' (both through one call of `logits`). Shared by the
    /// float32 and int8 forms.
    static func probabilities(_ x: Tensor, flipAveraging: Bool, logits: (Tensor) -> Tensor) -> Tensor {
        guard flipAveraging else { return Softmax.apply(logits(x)) }
        let n = x.shape[0]
        let both = Softmax.apply(logits(Tensor.concatenate([x, mirrored(x)])))
        let k = both.shape[1]
        return Tensor(shape: [n, k]) { out in
            for i in 0..<(n * k) { out[i] = (both.data[i] + both.data[n * k + i]) / 2 }
        }
    }

    /// `x` `[N, C, H, W]` mirrored left to right.
    static func mirrored(_ x: Tensor) -> Tensor {
        let w = x.shape[3], rows = x.count / max(w, 1)
        return Tensor(shape: x.shape) { out in
            for r in 0..<rows { for c in 0..<w { out[r * w + c] = x.data[r * w + w - 1 - c] } }
        }
    }

    /// The logits `[N, 7]` for a preprocessed batch `[N, 1, S, S]`. `trace`, when
    /// given, sees each layer's output with its name (`stem`, `block1`, ... `pool`).
    public func logits(_ input: Tensor, trace: ((String, Tensor) -> Void)? = nil) -> Tensor {
        var x = stem(input)
        trace?("stem", x)
        for (k, block) in blocks.enumerated() {
            x = block(x)
            trace?("block\(k + 1)", x)
        }
        let pooled = GlobalAvgPool.apply(x)
        trace?("pool", pooled)
        return head(pooled)
    }
}
