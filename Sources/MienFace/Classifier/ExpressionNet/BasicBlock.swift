import MienNN

/// One residual block of `ExpressionNet` (a ResNet "basic" block with
/// squeeze-excitation), batch norms folded into the convolutions:
///
/// ```
/// body     = conv3x3(stride, pad 1) + ReLU -> conv3x3(pad 1)
/// shortcut = x, or conv1x1(stride) when the shape changes
/// y        = relu(body * SE(body) + shortcut)      (relu(body + shortcut) without SE)
/// ```
struct BasicBlock: ExpressionBlock {
    let conv1: Conv2D
    let conv2: Conv2D
    /// nil: the block has no squeeze-excitation.
    let excite: SqueezeExcite?
    /// nil: identity.
    let shortcut: Conv2D?

    /// Output height and width for an input of `h` x `w`.
    func outputSize(height h: Int, width w: Int) -> (Int, Int) { conv1.outputSize(height: h, width: w) }

    /// Multiply-adds for one image of `h` x `w`.
    func multiplyAdds(height h: Int, width w: Int) -> Int {
        let (oh, ow) = outputSize(height: h, width: w)
        return conv1.multiplyAdds(height: h, width: w) + conv2.multiplyAdds(height: oh, width: ow)
            + (shortcut?.multiplyAdds(height: h, width: w) ?? 0) + (excite?.multiplyAdds ?? 0)
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let body = conv2(conv1(x))
        return Self.finish(body, shortcut: shortcut.map { $0(x) } ?? x, excite: excite)
    }
}
