/// An element-wise activation that a convolution or dense layer can apply to its
/// output in place (fused), instead of a separate pass over a new tensor.
public enum Activation: Sendable, Equatable {
    case relu
    /// Per-channel slopes for negative inputs.
    case prelu([Float])
    case hardSwish
    case hardSigmoid
    case sigmoid

    /// Applies the activation in place to `count` values laid out as `channels`
    /// blocks of `count / channels` (NCHW planes or the columns of a [N, C] matrix
    /// when `channelStride` is 1).
    func apply(_ values: UnsafeMutablePointer<Float>, count: Int, channels: Int, planeSize: Int) {
        switch self {
        case .relu: ReLU.apply(values, count: count)
        case .prelu(let slopes): PReLU.apply(values, count: count, slopes: slopes, planeSize: planeSize)
        case .hardSwish: HardSwish.apply(values, count: count)
        case .hardSigmoid: HardSigmoid.apply(values, count: count)
        case .sigmoid: Sigmoid.apply(values, count: count)
        }
    }

    /// Applies the activation to a tensor whose dimension 1 is the channel.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        var y = x
        let channels = x.rank > 1 ? x.shape[1] : 1
        let plane = x.rank > 2 ? x.shape[2...].reduce(1, *) : 1
        y.data.withUnsafeMutableBufferPointer { apply($0.baseAddress!, count: x.count, channels: channels, planeSize: plane) }
        return y
    }
}
