/// Batch normalisation at inference: `gamma * (x - mean) / sqrt(variance + epsilon) + beta`
/// per channel (dimension 1). Models fold it into the preceding convolution at
/// load (`folded(into:)`), so it costs nothing at run time; the op itself is the reference.
public struct BatchNorm: Sendable {
    public var gamma: [Float], beta: [Float], mean: [Float], variance: [Float]
    public var epsilon: Float

    /// Creates the layer from its four per-channel vectors.
    public init(gamma: [Float], beta: [Float], mean: [Float], variance: [Float], epsilon: Float) {
        precondition(Set([gamma.count, beta.count, mean.count, variance.count]).count == 1, "batch-norm vectors differ in length")
        (self.gamma, self.beta, self.mean, self.variance, self.epsilon) = (gamma, beta, mean, variance, epsilon)
    }

    /// Per channel: `y = scale * x + shift` with `scale = gamma / sqrt(var + eps)`, `shift = beta - mean * scale`.
    var scaleAndShift: (scale: [Float], shift: [Float]) {
        let scale = (0..<gamma.count).map { gamma[$0] / (variance[$0] + epsilon).squareRoot() }
        return (scale, (0..<gamma.count).map { beta[$0] - mean[$0] * scale[$0] })
    }

    /// The layer by its definition, for tests.
    public func reference(_ x: Tensor) -> Tensor {
        let c = x.shape[1], plane = x.count / (x.shape[0] * c)
        var y = x
        for i in 0..<x.count {
            let ch = (i / plane) % c
            y.data[i] = gamma[ch] * (x.data[i] - mean[ch]) / (variance[ch] + epsilon).squareRoot() + beta[ch]
        }
        return y
    }

    /// `conv` followed by this layer, as one convolution.
    ///
    /// BN(conv(x))[o] = scale[o] * (sum W[o] * x + b[o]) + shift[o]
    ///               = sum (scale[o] * W[o]) * x + (scale[o] * b[o] + shift[o]),
    /// so each output channel's weights are multiplied by `scale[o]` and its bias
    /// becomes `scale[o] * b[o] + shift[o]` (b = 0 when the conv has none).
    public func folded(into conv: Conv2D) -> Conv2D {
        var result = conv
        (result.weight, result.bias) = fold(weight: conv.weight, bias: conv.bias)
        return result
    }

    /// `conv` followed by this layer, as one depthwise convolution (same algebra as for `Conv2D`).
    public func folded(into conv: DepthwiseConv2D) -> DepthwiseConv2D {
        var result = conv
        (result.weight, result.bias) = fold(weight: conv.weight, bias: conv.bias)
        return result
    }

    /// The folding itself, for weights whose dimension 0 is the output channel.
    private func fold(weight: Tensor, bias: [Float]?) -> (Tensor, [Float]) {
        let channels = weight.shape[0]
        precondition(channels == gamma.count, "batch norm has \(gamma.count) channels, convolution \(channels)")
        var folded = weight
        let (scale, shift) = scaleAndShift
        let per = weight.count / channels
        for o in 0..<channels { for i in 0..<per { folded.data[o * per + i] *= scale[o] } }
        return (folded, (0..<channels).map { scale[$0] * (bias?[$0] ?? 0) + shift[$0] })
    }
}
