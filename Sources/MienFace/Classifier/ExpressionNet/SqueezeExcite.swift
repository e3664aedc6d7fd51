import MienNN

/// Squeeze-excitation (Hu et al. 2018) closing a residual block, fused with the
/// block's shortcut add and ReLU:
///
/// ```
/// s = sigmoid(fc2(relu(fc1(mean over H, W of x))))     [N, C]
/// y = relu(x * s + shortcut)                            [N, C, H, W]
/// ```
///
/// `fc1` and `fc2` are PyTorch's 1x1 convolutions on the pooled `[N, C, 1, 1]`,
/// held as `Dense` layers.
struct SqueezeExcite: Sendable {
    /// `[hidden, C]` with bias, ReLU.
    let reduce: Dense
    /// `[C, hidden]` with bias, sigmoid.
    let expand: Dense

    init(reduce: Dense, expand: Dense) {
        precondition(reduce.outputs == expand.inputs && expand.outputs == reduce.inputs,
                     "squeeze-excitation layers do not chain: \(reduce.weight.shape), \(expand.weight.shape)")
        self.reduce = reduce
        self.expand = expand
    }

    var channels: Int { reduce.inputs }

    /// Multiply-adds of the two small layers for one image.
    var multiplyAdds: Int { 2 * reduce.inputs * reduce.outputs }

    /// The channel gates `[N, C]` of `x`.
    func gates(_ x: Tensor) -> Tensor { expand(reduce(GlobalAvgPool.apply(x))) }

    /// `relu(x * gates + shortcut)`, with `shortcut` of the shape of `x` (fast path: one pass).
    func callAsFunction(_ x: Tensor, shortcut: Tensor) -> Tensor {
        precondition(x.shape == shortcut.shape, "shortcut \(shortcut.shape) does not match \(x.shape)")
        let (n, c, h, w) = x.nchw
        let s = gates(x), plane = h * w
        return Tensor(shape: x.shape) { y in
            x.data.withUnsafeBufferPointer { xp in
                shortcut.data.withUnsafeBufferPointer { sp in
                    for p in 0..<(n * c) {
                        let gate = s.data[p], base = p * plane
                        for i in base..<(base + plane) { y[i] = max(xp[i] * gate + sp[i], 0) }
                    }
                }
            }
        }
    }

    /// The same by its definition, one operation at a time, for tests.
    func reference(_ x: Tensor, shortcut: Tensor) -> Tensor {
        let (n, c, h, w) = x.nchw
        let s = expand.reference(reduce.reference(GlobalAvgPool.reference(x)))
        var scaled = x
        for p in 0..<(n * c) { for i in 0..<(h * w) { scaled.data[p * h * w + i] *= s.data[p] } }
        return ReLU.reference(Add.reference(scaled, shortcut))
    }
}
