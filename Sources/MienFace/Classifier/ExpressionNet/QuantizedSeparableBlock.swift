import MienNN

/// One `SeparableBlock` of expression-net in int8, NHWC: every convolution in
/// integers; squeeze-excitation, the shortcut add and the ReLU in float32.
/// The depthwise outputs are signed, so they are bytes with zero point 128
/// (`signedZero`); the pointwise convolutions after them take that zero
/// point's share off their offsets (`QuantizedConv2D.quantizing(inputZero:)`).
///
/// ```
/// t1   = depthwise1(x)     uint8, zero point 128 (depthwise1Scale)
/// mid  = pointwise1(t1)    uint8 (midScale), ReLU by the clamp
/// t2   = depthwise2(mid)   uint8, zero point 128 (depthwise2Scale)
/// body = pointwise2(t2)    float32
/// y    = relu(body * SE(body) + skip)  QuantizedResidualEnd
/// ```
struct QuantizedSeparableBlock: QuantizedExpressionBlock {
    let depthwise1: QuantizedDepthwiseConv2D
    let pointwise1: QuantizedConv2D
    let depthwise2: QuantizedDepthwiseConv2D
    let pointwise2: QuantizedConv2D
    let end: QuantizedResidualEnd
    /// The zero point of the depthwise convolutions' signed outputs.
    static let signedZero = 128

    /// The activation scales inside one block, by their calibration names
    /// `blockK.depthwise1`, `blockK.mid`, `blockK.depthwise2`.
    struct Scales {
        var depthwise1: Float, mid: Float, depthwise2: Float
    }

    /// Builds the block from its float32 form, the scale of its input and the scales inside it.
    init(_ block: SeparableBlock, inputScale: Float, scales: Scales) {
        let zero = Self.signedZero
        depthwise1 = .quantizing(block.depthwise1, inputScale: inputScale, inputZero: 0, outputScale: scales.depthwise1, outputZero: zero)
        pointwise1 = .quantizing(block.pointwise1, inputScale: scales.depthwise1, inputZero: zero, outputScale: scales.mid)
        depthwise2 = .quantizing(block.depthwise2, inputScale: scales.mid, inputZero: 0, outputScale: scales.depthwise2, outputZero: zero)
        pointwise2 = .quantizing(block.pointwise2, inputScale: scales.depthwise2, inputZero: zero)
        end = QuantizedResidualEnd(shortcut: block.shortcut, excite: block.excite, inputScale: inputScale, after: pointwise2)
    }

    func outputSize(height h: Int, width w: Int) -> (Int, Int) { (depthwise1.outputSize(h), depthwise1.outputSize(w)) }

    func bodyMultiplyAdds(height h: Int, width w: Int) -> Int {
        let (oh, ow) = outputSize(height: h, width: w)
        return depthwise1.multiplyAdds(height: h, width: w) + pointwise1.multiplyAdds(height: oh, width: ow)
            + depthwise2.multiplyAdds(height: oh, width: ow) + pointwise2.multiplyAdds(height: oh, width: ow)
    }

    func body(_ x: QuantizedBatch) -> [Float] { pointwise2.floatOutput(depthwise2(pointwise1(depthwise1(x)))) }

    func referenceBody(_ x: QuantizedBatch) -> [Float] {
        let mid = pointwise1.referenceBatch(depthwise1.reference(x))
        return pointwise2.reference(depthwise2.reference(mid), float: true)
    }
}
