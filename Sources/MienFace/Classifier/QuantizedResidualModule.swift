import MienNN

/// One `ResidualModule` of mini-Xception in int8: the pointwise convolutions
/// and the shortcut in integers, the depthwise convolutions, the max pool and
/// the add in float32 (NCHW), so each integer convolution is entered by
/// quantizing its float input and left as float32.
///
/// ```
/// x8   = quantize(x, inputScale, inputZero)          uint8 (module 1's input is ReLU'd: zero point 0; else 128)
/// t    = depthwise1(x)                                float32
/// mid  = relu(pointwise1(quantize(t, depthwise1Scale, 128)))
/// u    = depthwise2(mid)
/// main = pointwise2(quantize(u, depthwise2Scale, 128))
/// out  = maxpool3x3s2(main) + skip(x8)
/// ```
struct QuantizedResidualModule: Sendable {
    let depthwise1: Depthwise3x3
    let pointwise1: QuantizedConv2D
    let depthwise2: Depthwise3x3
    let pointwise2: QuantizedConv2D
    let skip: QuantizedConv2D
    let inputScale: Float, inputZero: Int
    let depthwise1Scale: Float, depthwise2Scale: Float
    /// The zero point of the depthwise outputs (signed values).
    static let signedZero = 128

    init(_ module: ResidualModule, inputScale: Float, inputZero: Int, depthwise1Scale: Float, depthwise2Scale: Float) {
        (self.inputScale, self.inputZero) = (inputScale, inputZero)
        (self.depthwise1Scale, self.depthwise2Scale) = (depthwise1Scale, depthwise2Scale)
        (depthwise1, depthwise2) = (module.depthwise1, module.depthwise2)
        pointwise1 = .quantizing(module.pointwise1, inputScale: depthwise1Scale, inputZero: Self.signedZero)
        pointwise2 = .quantizing(module.pointwise2, inputScale: depthwise2Scale, inputZero: Self.signedZero)
        skip = .quantizing(module.skip, inputScale: inputScale, inputZero: inputZero)
    }

    /// Multiply-adds per image for an input of `h` x `w`.
    func multiplyAdds(height h: Int, width w: Int) -> Int {
        depthwise1.multiplyAdds(height: h, width: w) + pointwise1.multiplyAdds(height: h, width: w)
            + depthwise2.multiplyAdds(height: h, width: w) + pointwise2.multiplyAdds(height: h, width: w)
            + skip.multiplyAdds(height: h, width: w)
    }

    /// The module on `x` `[N, C, H, W]`; `reference` takes the plain loops for every step.
    func callAsFunction(_ x: Tensor, reference: Bool = false) -> Tensor {
        func quantize(_ t: Tensor, _ scale: Float, _ zero: Int) -> QuantizedBatch {
            QuantizedBatch(quantizing: t, scale: scale, zero: zero, reference: reference)
        }
        let mid = pointwise1.nchwOutput(quantize(depthwise1(x), depthwise1Scale, Self.signedZero), relu: true, reference: reference)
        let main = pointwise2.nchwOutput(quantize(depthwise2(mid), depthwise2Scale, Self.signedZero), relu: false, reference: reference)
        let shortcut = skip.nchwOutput(quantize(x, inputScale, inputZero), relu: false, reference: reference)
        return PoolAdd.apply(main, shortcut)
    }
}
