import MienNN

/// One depthwise-separable residual block of `ExpressionNet` (Models/training
/// `DSBlock`, Xception-like), batch norms folded into the convolutions:
///
/// ```
/// body     = dw3x3(stride, pad 1) -> pw1x1 + ReLU -> dw3x3(pad 1) -> pw1x1
/// shortcut = x, or conv1x1(stride) when the shape changes
/// y        = relu(body * SE(body) + shortcut)      (relu(body + shortcut) without SE)
/// ```
///
/// The width between the two pointwise convolutions (`inner`) may be narrower
/// than the output's when the block was pruned.
struct SeparableBlock: ExpressionBlock {
    let depthwise1: DepthwiseConv2D
    let pointwise1: Conv2D
    let depthwise2: DepthwiseConv2D
    let pointwise2: Conv2D
    /// nil: the block has no squeeze-excitation.
    let excite: SqueezeExcite?
    /// nil: identity.
    let shortcut: Conv2D?

    func outputSize(height h: Int, width w: Int) -> (Int, Int) { depthwise1.outputSize(height: h, width: w) }

    func multiplyAdds(height h: Int, width w: Int) -> Int {
        let (oh, ow) = outputSize(height: h, width: w)
        return depthwise1.multiplyAdds(height: h, width: w) + pointwise1.multiplyAdds(height: oh, width: ow)
            + depthwise2.multiplyAdds(height: oh, width: ow) + pointwise2.multiplyAdds(height: oh, width: ow)
            + (shortcut?.multiplyAdds(height: h, width: w) ?? 0) + (excite?.multiplyAdds ?? 0)
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let body = pointwise2(depthwise2(pointwise1(depthwise1(x))))
        return Self.finish(body, shortcut: shortcut.map { $0(x) } ?? x, excite: excite)
    }
}
