import Foundation
import MienNN

/// expression-net in int8 (post-training static quantization; `--precision int8`):
/// the stem in float32, each residual block's convolutions in integers
/// (`QuantizedBasicBlock`), global average pooling and the head in float32.
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

    let stem: Conv2D
    let stemScale: Float
    let blocks: [QuantizedBasicBlock]
    /// Each block's output scale; nil for the last, whose float32 output is pooled.
    let outputScales: [Float?]
    let head: Dense

    /// Faces run through the network together (the uint8 activations of 8
    /// faces at the widest layer take 590 KB).
    static let chunk = 8

    /// The int8 form of `model` with `calibration`'s activation scales.
    /// - Throws: `NNError` when a scale is missing or not positive, or when the
    ///   network is not a `dense` one (the int8 form has no depthwise-separable blocks).
    public init(_ model: ExpressionNet, calibration: Int8Calibration, calibrationFile: String) throws(NNError) {
        let dense = model.blocks.compactMap { $0 as? BasicBlock }
        guard model.stem.separable == nil, dense.count == model.blocks.count else {
            throw NNError(.unreadableFile, "\(model.weightFile): the int8 form is built for 'dense' networks only, "
                + "not for depthwise-separable blocks; use precision fp32")
        }
        (labels, preprocessing, parameterCount) = (model.labels, model.preprocessing, model.parameterCount)
        (weightFileBytes, weightFile, flipAveraging) = (model.weightFileBytes, model.weightFile, model.flipAveraging)
        self.calibrationFile = calibrationFile
        stem = model.stem.conv
        stemScale = try calibration.scale("stem", file: calibrationFile)
        var blocks: [QuantizedBasicBlock] = [], outputs: [Float?] = []
        var input = stemScale
        for (k, block) in dense.enumerated() {
            let mid = try calibration.scale("block\(k + 1).mid", file: calibrationFile)
            blocks.append(QuantizedBasicBlock(block, inputScale: input, midScale: mid))
            if k + 1 < model.blocks.count {
                input = try calibration.scale("block\(k + 1).out", file: calibrationFile)
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
            (h, w) = (block.conv1.outputSize(h), block.conv1.outputSize(w))
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
        var x = QuantizedBatch(quantizing: stem(input), scale: stemScale, stride: QuantizedBatch.paddedStride(channels: stem.outChannels))
        trace?("stem", x.bytes)
        for (block, scale) in zip(blocks, outputScales) {
            guard let scale else {
                let (values, h, w) = block.floatOutput(x)
                let pooled = QuantizedBasicBlock.mean(values, count: x.count, plane: h * w,
                                                      channels: block.conv2.outChannels, stride: block.conv2.outStride)
                return head(pooled)
            }
            x = block(x, outputScale: scale)
        }
        preconditionFailure("expression-net has no blocks")
    }
}
