import MienNN

/// `ExpressionNet`'s stem, batch norms folded: a 3x3 convolution + ReLU at full
/// resolution (the `dense` networks), followed in the `ds` networks by a
/// depthwise-separable convolution (dw3x3, then pw1x1 + ReLU).
struct ExpressionStem: Sendable {
    let conv: Conv2D
    /// The `ds` stem's depthwise and pointwise convolutions; nil in a `dense` network.
    let separable: (depthwise: DepthwiseConv2D, pointwise: Conv2D)?

    /// Channels out.
    var outChannels: Int { separable?.pointwise.outChannels ?? conv.outChannels }

    func outputSize(height h: Int, width w: Int) -> (Int, Int) {
        let (oh, ow) = conv.outputSize(height: h, width: w)
        return separable.map { $0.depthwise.outputSize(height: oh, width: ow) } ?? (oh, ow)
    }

    func multiplyAdds(height h: Int, width w: Int) -> Int {
        let (oh, ow) = conv.outputSize(height: h, width: w)
        guard let separable else { return conv.multiplyAdds(height: h, width: w) }
        let (dh, dw) = separable.depthwise.outputSize(height: oh, width: ow)
        return conv.multiplyAdds(height: h, width: w) + separable.depthwise.multiplyAdds(height: oh, width: ow)
            + separable.pointwise.multiplyAdds(height: dh, width: dw)
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let y = conv(x)
        guard let separable else { return y }
        return separable.pointwise(separable.depthwise(y))
    }
}
