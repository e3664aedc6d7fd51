import Foundation
import MienNN

/// expression-net in int8 (post-training static quantization; `--precision int8`):
/// the stem's first convolution in float32 (`QuantizedStem`), every other
/// convolution in integers (`QuantizedBasicBlock` for `dense` networks,
/// `QuantizedSeparableBlock` for `ds` ones), squeeze-excitation, the residual
/// adds, global average pooling and the head in float32.
///
/// The weights are quantized at load from `expression_net.safetensors`
/// (batch norms folded, then symmetric int8 per output channel); the
/// activation scales come from `expression_net.int8.json`, calibrated by
/// `Models/quantize_expression_net.py` on a recorded sample of FER-2013
/// Training images. The scheme and its accuracy are in Models/README.md.
public struct QuantizedExpressionNet: EmotionClassifier {
    public let name = "expression-net"
    public let labels: [Emotion]
    public let preprocessing: FacePreprocessing
    public let parameterCount: Int
    public let weightFileBytes: Int
    public let weightFile: String
    /// The calibration file read.
    public let calibrationFile: String
    /// Whether each face's probabilities are averaged with its mirror image's (as the float32 model's).
    public let flipAveraging: Bool

    let stem: QuantizedStem
    let blocks: [any QuantizedExpressionBlock]
    /// Each block's output scale; nil for the last, whose float32 output is pooled.
    let outputScales: [Float?]
    let head: Dense

    /// Faces run through the network together (the uint8 activations of 8
    /// faces at the widest layer take 590 KB).
    static let chunk = 8

    /// The int8 form of `model` with `calibration`'s activation scales: `stem`
    /// and, per block K, `blockK.mid` and (but for the last) `blockK.out`; a
    /// `ds` network also `stem.conv`, `stem.depthwise`, `blockK.depthwise1`
    /// and `blockK.depthwise2`.
    /// - Throws: `NNError` when a scale is missing or not positive.
    public init(_ model: ExpressionNet, calibration: Int8Calibration, calibrationFile: String) throws(NNError) {
        (labels, preprocessing, parameterCount) = (model.labels, model.preprocessing, model.parameterCount)
        (weightFileBytes, weightFile, flipAveraging) = (model.weightFileBytes, model.weightFile, model.flipAveraging)
        self.calibrationFile = calibrationFile
        func scale(_ name: String) throws(NNError) -> Float { try calibration.scale(name, file: calibrationFile) }
        let separable = model.stem.separable != nil
        let stemScales = QuantizedStem.Scales(conv: separable ? try scale("stem.conv") : nil,
                                              depthwise: separable ? try scale("stem.depthwise") : nil, output: try scale("stem"))
        stem = try QuantizedStem(model.stem, scales: stemScales)
        var blocks: [any QuantizedExpressionBlock] = [], outputs: [Float?] = []
        var input = try scale("stem")
        for (k, block) in model.blocks.enumerated() {
            let name = "block\(k + 1)"
            switch block {
            case let dense as BasicBlock:
                blocks.append(QuantizedBasicBlock(dense, inputScale: input, midScale: try scale(name + ".mid")))
            case let ds as SeparableBlock:
                let scales = QuantizedSeparableBlock.Scales(depthwise1: try scale(name + ".depthwise1"), mid: try scale(name + ".mid"),
                                                            depthwise2: try scale(name + ".depthwise2"))
                blocks.append(QuantizedSeparableBlock(ds, inputScale: input, scales: scales))
            default:
                throw NNError(.unreadableFile, "\(model.weightFile): block \(k + 1) has no int8 form")
            }
            if k + 1 < model.blocks.count {
                input = try scale(name + ".out")
                outputs.append(input)
            } else {
                outputs.append(nil)
            }
        }
        (self.blocks, outputScales, head) = (blocks, outputs, model.head)
    }

    /// Loads expression-net and its int8 calibration from the model folder (`ModelDirectory`).
    /// - Throws: `ClassifierError.badWeights` naming the file and the cause, also
    ///   when the calibration was made for another weight file.
    public static func load() throws(ClassifierError) -> QuantizedExpressionNet {
        let model = try ExpressionNet.load()
        let path = URL(fileURLWithPath: model.weightFile).deletingLastPathComponent().appendingPathComponent(Int8Calibration.fileName).path
        return try load(model, calibrationPath: path)
    }

    /// The int8 form of `model` with the calibration at `calibrationPath`.
    /// - Throws: `ClassifierError.badWeights` naming the file and the cause.
    public static func load(_ model: ExpressionNet, calibrationPath path: String) throws(ClassifierError) -> QuantizedExpressionNet {
        do throws(NNError) {
            let calibration = try Int8Calibration.load(path: path)
            let provenance = try SafeTensorsFile(path: model.weightFile).metadata["provenance"] ?? ""
            guard provenance == calibration.weightsProvenance else {
                throw NNError(.unreadableFile, "\(path): calibrated for another \(calibration.weights) "
                    + "(\(calibration.weightsProvenance)), not \(model.weightFile) (\(provenance)); "
                    + "run Models/quantize_expression_net.py again")
            }
            return try QuantizedExpressionNet(model, calibration: calibration, calibrationFile: path)
        } catch {
            throw ClassifierError(.badWeights, "expression-net int8: \(error.message)")
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

    public func probabilities(_ input: Tensor) throws(ClassifierError) -> Tensor {
        try checkInput(input)
        let n = input.shape[0]
        guard n > 0 else { return Softmax.apply(logits(input)) }
        var parts: [Tensor] = []
        for first in stride(from: 0, to: n, by: Self.chunk) {
            parts.append(ExpressionNet.probabilities(input.batch(first..<min(n, first + Self.chunk)),
                                                     flipAveraging: flipAveraging) { logits($0) })
        }
        return parts.count == 1 ? parts[0] : Tensor.concatenate(parts)
    }

    /// The logits `[N, 7]` of a preprocessed batch `[N, 1, S, S]`; `trace`, when
    /// given, sees the stem's uint8 output (as `[N, H, W, stride]` values).
    public func logits(_ input: Tensor, trace: ((String, [UInt8]) -> Void)? = nil) -> Tensor {
        var x = stem(input)
        trace?("stem", x.bytes)
        for (block, scale) in zip(blocks, outputScales) {
            guard let scale else {
                let (values, h, w) = block.floatOutput(x)
                return head(QuantizedResidualEnd.mean(values, count: x.count, plane: h * w, channels: block.end.channels,
                                                      stride: block.end.stride))
            }
            x = block(x, outputScale: scale)
        }
        preconditionFailure("expression-net has no blocks")
    }
}
