/// Squeeze-and-excitation channel attention: global average pool, a reducing
/// dense layer with ReLU, an expanding dense layer with a gate (hard sigmoid in
/// MobileNetV3, sigmoid in the original), then each channel scaled by its gate.
public struct SqueezeExcitation: Sendable {
    /// `[C / r, C]` with ReLU.
    public var reduce: Dense
    /// `[C, C / r]` with the gate activation.
    public var expand: Dense

    /// Creates the block; `reduce` gets ReLU and `expand` gets `gate` applied.
    public init(reduce: Dense, expand: Dense, gate: Activation = .hardSigmoid) {
        precondition(reduce.inputs == expand.outputs && reduce.outputs == expand.inputs, "squeeze-excitation sizes do not chain")
        self.reduce = reduce
        self.reduce.activation = .relu
        self.expand = expand
        self.expand.activation = gate
    }

    /// The block, fast path.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let gates = expand(reduce(GlobalAvgPool.apply(x)))  // [N, C]
        let (n, c, h, w) = x.nchw
        var y = x
        y.data.withUnsafeMutableBufferPointer { yp in
            for p in 0..<(n * c) {
                let g = gates.data[p]
                let plane = yp.baseAddress! + p * h * w
                for i in 0..<(h * w) { plane[i] *= g }
            }
        }
        return y
    }

    /// The block from the reference ops, for tests.
    public func reference(_ x: Tensor) -> Tensor {
        let gates = expand.reference(reduce.reference(GlobalAvgPool.reference(x)))
        let (_, c, h, w) = x.nchw
        var y = x
        for i in 0..<x.count { y.data[i] *= gates.data[i / (h * w) / c * c + (i / (h * w)) % c] }
        return y
    }
}
