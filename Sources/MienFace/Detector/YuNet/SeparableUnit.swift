import MienNN

/// YuNet's building block (libfacedetection's "DP unit"): a 1x1 pointwise
/// convolution with bias, then a 3x3 depthwise convolution (stride 1, zero
/// padding 1) with bias (batch norm folded into it), then ReLU where the
/// network has one. The channel count changes in the pointwise step.
struct SeparableUnit: Sendable {
    let pointwise: Conv2D
    let depthwise: DepthwiseConv2D
    /// Both convolutions as one pass (`SeparableKernel`), the fast path.
    let fused: SeparableKernel

    /// Loads `PREFIX.pw.weight` `[out, in]`, `PREFIX.pw.bias`, `PREFIX.dw.weight` `[out, 3, 3]` and `PREFIX.dw.bias`.
    init(_ loader: WeightLoader, _ prefix: String, inputs: Int, outputs: Int, relu: Bool) throws(NNError) {
        let pw = try loader.tensor(prefix + ".pw.weight", shape: [outputs, inputs])
        let dw = try loader.tensor(prefix + ".dw.weight", shape: [outputs, 3, 3])
        self.init(pointwise: Conv2D(weight: pw.reshaped([outputs, inputs, 1, 1]),
                                    bias: try loader.vector(prefix + ".pw.bias", count: outputs)),
                  depthwise: DepthwiseConv2D(weight: dw.reshaped([outputs, 1, 3, 3]),
                                             bias: try loader.vector(prefix + ".dw.bias", count: outputs),
                                             padding: .symmetric(1), activation: relu ? .relu : nil))
    }

    /// A unit from its two convolutions.
    init(pointwise: Conv2D, depthwise: DepthwiseConv2D) {
        precondition(pointwise.outChannels == depthwise.channels, "pointwise output must feed the depthwise convolution")
        self.pointwise = pointwise
        self.depthwise = depthwise
        let fastPointwise = PointwiseConv(weight: pointwise.weight.reshaped([pointwise.outChannels, pointwise.inChannels]),
                                          bias: pointwise.bias ?? [Float](repeating: 0, count: pointwise.outChannels))
        fused = SeparableKernel(pointwise: fastPointwise, depthwise: depthwise)
    }

    /// Several units side by side on the same input, as one: their pointwise
    /// weights stacked into one convolution and their depthwise filters into one
    /// (exact, since a depthwise filter sees only its own channel). YuNet's four
    /// heads of a level become one 64 -> 16 unit.
    static func stacked(_ units: [SeparableUnit]) -> SeparableUnit {
        let inputs = units[0].pointwise.inChannels
        precondition(units.allSatisfy { $0.pointwise.inChannels == inputs && $0.depthwise.activation == units[0].depthwise.activation })
        let outputs = units.reduce(0) { $0 + $1.pointwise.outChannels }
        let pw = Conv2D(weight: Tensor(shape: [outputs, inputs, 1, 1], data: units.flatMap(\.pointwise.weight.data)),
                        bias: units.flatMap { $0.pointwise.bias ?? [Float](repeating: 0, count: $0.pointwise.outChannels) })
        let dw = DepthwiseConv2D(weight: Tensor(shape: [outputs, 1, 3, 3], data: units.flatMap(\.depthwise.weight.data)),
                                 bias: units.flatMap { $0.depthwise.bias ?? [Float](repeating: 0, count: $0.depthwise.channels) },
                                 padding: .symmetric(1), activation: units[0].depthwise.activation)
        return SeparableUnit(pointwise: pw, depthwise: dw)
    }

    /// The unit, fast path: both convolutions in one pass.
    func callAsFunction(_ x: Tensor) -> Tensor { fused(x) }

    /// The unit through both convolutions' references, for tests.
    func reference(_ x: Tensor) -> Tensor { depthwise.reference(pointwise.reference(x)) }
}
