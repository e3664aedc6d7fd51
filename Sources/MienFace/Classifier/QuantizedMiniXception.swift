import Foundation
import MienNN

/// mini-Xception in int8 (post-training static quantization; `--precision int8`):
/// conv2, every pointwise convolution and every shortcut in integers (uint8
/// activations, int8 weights symmetric per output channel, int32 sums); conv1,
/// the depthwise convolutions, the max pools and adds, and the head in float32.
///
/// The int8 weights are computed at load from `mini_xception.safetensors`
/// (batch norms folded first, as the float32 model has them). The activation
/// scales come from `mini_xception.int8.json`, calibrated by `mien eval
/// --calibrate-int8` on a recorded sample of FER-2013 Training images
/// (`MiniXceptionCalibration`). ReLU outputs (conv1's, conv2's) are uint8 with
/// zero point 0; the signed ones (depthwise outputs, module inputs after the
/// first) use zero point 128. Models/README.md has the accuracy and speed.
public struct QuantizedMiniXception: EmotionClassifier {
    /// The calibration file's name in the model folder.
    public static let calibrationFileName = "mini_xception.int8.json"
    /// Its `format`.
    public static let calibrationFormat = "mien-mini-xception-int8"

    public let name = "mini-xception"
    public let labels = MiniXception.outputOrder
    public let preprocessing = FacePreprocessing.fer(size: 64)
    public let parameterCount: Int
    public let weightFileBytes: Int
    public let weightFile: String
    /// The calibration file read.
    public let calibrationFile: String

    let conv1: Conv2D
    let conv1Scale: Float
    let conv2: QuantizedConv2D
    let modules: [QuantizedResidualModule]
    let head: PooledHead

    /// Faces run through the network together: one, as in float32 (batch 64
    /// measured 1,362-1,370 faces/s so, 1,313-1,322 four at a time).
    static let chunk = 1

    /// The activations the calibration names, each with its zero point: 0 for
    /// ReLU outputs (conv1, conv2 = module 1's input), 128 for signed ones.
    public static let calibratedActivations: [(name: String, zero: Int)] = [("conv1", 0)]
        + (1...4).flatMap { k in [("module\(k).input", k == 1 ? 0 : 128), ("module\(k).depthwise1", 128), ("module\(k).depthwise2", 128)] }

    /// The int8 form of `model` with `calibration`'s activation scales.
    /// - Throws: `NNError` when a scale is missing or not positive.
    public init(_ model: MiniXception, calibration: Int8Calibration, calibrationFile: String) throws(NNError) {
        (parameterCount, weightFileBytes, weightFile) = (model.parameterCount, model.weightFileBytes, model.weightFile)
        self.calibrationFile = calibrationFile
        func scale(_ name: String) throws(NNError) -> Float { try calibration.scale(name, file: calibrationFile) }
        conv1 = model.conv1
        conv1Scale = try scale("conv1")
        conv2 = .quantizing(model.conv2.conv, inputScale: conv1Scale)
        var modules: [QuantizedResidualModule] = []
        for (k, module) in model.modules.enumerated() {
            let name = "module\(k + 1)"
            modules.append(QuantizedResidualModule(module, inputScale: try scale(name + ".input"), inputZero: k == 0 ? 0 : 128,
                                                   depthwise1Scale: try scale(name + ".depthwise1"),
                                                   depthwise2Scale: try scale(name + ".depthwise2")))
        }
        (self.modules, head) = (modules, model.head)
    }

    /// Loads mini-Xception and its int8 calibration from the model folder (`ModelDirectory`).
    /// - Throws: `ClassifierError.badWeights` naming the file and the cause, also
    ///   when the calibration was made for another weight file.
    public static func load() throws(ClassifierError) -> QuantizedMiniXception {
        let model = try MiniXception.load()
        let path = URL(fileURLWithPath: model.weightFile).deletingLastPathComponent().appendingPathComponent(calibrationFileName).path
        do throws(NNError) {
            let calibration = try Int8Calibration.load(path: path, format: calibrationFormat)
            guard try weightsIdentity(SafeTensorsFile(path: model.weightFile)) == calibration.weightsProvenance else {
                throw NNError(.unreadableFile, "\(path): calibrated for another \(calibration.weights), not \(model.weightFile); "
                    + "run mien eval --calibrate-int8 again (Models/README.md)")
            }
            return try QuantizedMiniXception(model, calibration: calibration, calibrationFile: path)
        } catch {
            throw ClassifierError(.badWeights, "mini-xception int8: \(error.message)")
        }
    }

    /// What identifies the weight file a calibration was made for (its
    /// `weights_provenance`): where the converter took the weights from, the
    /// converter and the parameter count, from the file's metadata.
    public static func weightsIdentity(_ file: SafeTensorsFile) -> String {
        let m = file.metadata
        return m["provenance"] ?? "\(m["source_path_in_wheel"] ?? "unknown source") converted by \(m["converter"] ?? "an unknown converter"), "
            + "\(m["parameter_count"] ?? "?") parameters"
    }

    public var multiplyAdds: Int {
        var (h, w) = (preprocessing.height, preprocessing.width)
        var total = conv1.multiplyAdds(height: h, width: w)
        (h, w) = conv1.outputSize(height: h, width: w)
        total += conv2.multiplyAdds(height: h, width: w)
        (h, w) = (conv2.outputSize(h), conv2.outputSize(w))
        for module in modules {
            total += module.multiplyAdds(height: h, width: w)
            (h, w) = ((h + 1) / 2, (w + 1) / 2)
        }
        return total + head.multiplyAdds(height: h, width: w)
    }

    public func probabilities(_ input: Tensor) throws(ClassifierError) -> Tensor {
        try checkInput(input)
        return softmax(input, inChunksOf: Self.chunk) { logits($0) }
    }

    /// The logits `[N, 7]` of a preprocessed batch `[N, 1, 64, 64]`; `reference`
    /// takes the plain loops for every integer step (tests compare the two).
    public func logits(_ input: Tensor, reference: Bool = false) -> Tensor {
        let first = conv1(input)
        let x8 = QuantizedBatch(quantizing: first, scale: conv1Scale, zero: 0, reference: reference)
        var x = conv2.nchwOutput(x8, relu: true, reference: reference)
        for module in modules { x = module(x, reference: reference) }
        return head(x)
    }
}
