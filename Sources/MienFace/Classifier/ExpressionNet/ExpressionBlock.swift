import MienNN

/// One residual block of `ExpressionNet`, batch norms folded: a dense
/// `BasicBlock` or a depthwise-separable `SeparableBlock`.
protocol ExpressionBlock: Sendable {
    /// Output height and width for an input of `h` x `w`.
    func outputSize(height h: Int, width w: Int) -> (Int, Int)
    /// Multiply-adds for one image of `h` x `w`.
    func multiplyAdds(height h: Int, width w: Int) -> Int
    /// The block on `x` `[N, Cin, H, W]`.
    func callAsFunction(_ x: Tensor) -> Tensor
}

extension ExpressionBlock {
    /// The end every block shares: `relu(body * SE(body) + shortcut)`, or
    /// `relu(body + shortcut)` without squeeze-excitation.
    static func finish(_ body: Tensor, shortcut skip: Tensor, excite: SqueezeExcite?) -> Tensor {
        if let excite { return excite(body, shortcut: skip) }
        var y = Add.apply(body, skip)
        y.data.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] = max($0[i], 0) } }
        return y
    }
}
