import MienNN

/// expression-net's stem in int8 form: the 3x3 convolution of the one-channel
/// face in float32 (0.5 to 1% of the multiply-adds), its ReLU'd output
/// quantized to uint8; in a `ds` network then the depthwise-separable
/// convolution in integers (depthwise to bytes of zero point 128, pointwise
/// with its ReLU as the clamp).
///
/// ```
/// dense: y = quantize(conv(x), outputScale)
/// ds:    q = quantize(conv(x), convScale); y = pointwise(depthwise(q))   uint8 at outputScale
/// ```
struct QuantizedStem: Sendable {
    /// The float32 3x3 convolution (ReLU fused).
    let conv: Conv2D
    /// The scale its output is quantized at.
    let convScale: Float
    /// The `ds` stem's integer convolutions; nil in a `dense` network.
    let separable: (depthwise: QuantizedDepthwiseConv2D, pointwise: QuantizedConv2D)?

    /// The activation scales of the stem, by their calibration names `stem.conv`,
    /// `stem.depthwise` (ds only) and `stem` (its output).
    struct Scales {
        var conv: Float?, depthwise: Float?, output: Float

        init(conv: Float?, depthwise: Float?, output: Float) {
            (self.conv, self.depthwise, self.output) = (conv, depthwise, output)
        }
    }

    /// The int8 form of `stem`.
    /// - Throws: `NNError` when a `ds` stem's scales are not all given.
    init(_ stem: ExpressionStem, scales: Scales) throws(NNError) {
        conv = stem.conv
        guard let float = stem.separable else {
            convScale = scales.output
            separable = nil
            return
        }
        guard let convScale = scales.conv, let depthwise = scales.depthwise else {
            throw NNError(.unreadableFile, "a ds stem needs the scales stem.conv and stem.depthwise")
        }
        let zero = QuantizedSeparableBlock.signedZero
        self.convScale = convScale
        separable = (.quantizing(float.depthwise, inputScale: convScale, inputZero: 0, outputScale: depthwise, outputZero: zero),
                     .quantizing(float.pointwise, inputScale: depthwise, inputZero: zero, outputScale: scales.output))
    }

    /// Channels out.
    var outChannels: Int { separable?.pointwise.outChannels ?? conv.outChannels }

    func outputSize(height h: Int, width w: Int) -> (Int, Int) {
        let (oh, ow) = conv.outputSize(height: h, width: w)
        return separable.map { ($0.depthwise.outputSize(oh), $0.depthwise.outputSize(ow)) } ?? (oh, ow)
    }

    func multiplyAdds(height h: Int, width w: Int) -> Int {
        let (oh, ow) = conv.outputSize(height: h, width: w)
        guard let separable else { return conv.multiplyAdds(height: h, width: w) }
        let (dh, dw) = (separable.depthwise.outputSize(oh), separable.depthwise.outputSize(ow))
        return conv.multiplyAdds(height: h, width: w) + separable.depthwise.multiplyAdds(height: oh, width: ow)
            + separable.pointwise.multiplyAdds(height: dh, width: dw)
    }

    /// The stem's uint8 output for a preprocessed batch `[N, 1, S, S]`.
    func callAsFunction(_ input: Tensor) -> QuantizedBatch {
        let q = QuantizedBatch(quantizing: conv(input), scale: convScale, stride: QuantizedBatch.paddedStride(channels: conv.outChannels))
        guard let separable else { return q }
        return separable.pointwise(separable.depthwise(q))
    }

    /// The same by the plain references, for tests.
    func reference(_ input: Tensor) -> QuantizedBatch {
        let q = QuantizedBatch(referenceQuantizing: conv(input), scale: convScale,
                               stride: QuantizedBatch.paddedStride(channels: conv.outChannels))
        guard let separable else { return q }
        return separable.pointwise.referenceBatch(separable.depthwise.reference(q))
    }
}
