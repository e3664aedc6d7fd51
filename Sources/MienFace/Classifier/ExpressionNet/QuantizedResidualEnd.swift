import CMienQuant
import MienNN

/// The end every int8 residual block of expression-net shares, in float32 over
/// the block's float32 body (NHWC, `stride` values a pixel):
///
/// ```
/// skip = shortcut(x) (int8 1x1 convolution, float32 out), or x * inputScale
/// y    = relu(body * SE(body) + skip)      quantized to uint8 for the next block, or kept float32
/// ```
struct QuantizedResidualEnd: Sendable {
    /// nil: identity.
    let shortcut: QuantizedConv2D?
    /// nil: no squeeze-excitation.
    let excite: SqueezeExcite?
    /// The scale of the block's uint8 input (zero point 0).
    let inputScale: Float
    /// The body's real channels and its values a pixel.
    let channels: Int
    let stride: Int

    /// The end of a block whose body ends in `last`: its float32 `shortcut`
    /// (nil: identity) in int8 for input bytes of `inputScale`, and `excite`.
    init(shortcut: Conv2D?, excite: SqueezeExcite?, inputScale: Float, after last: QuantizedConv2D) {
        self.shortcut = shortcut.map { .quantizing($0, inputScale: inputScale) }
        (self.excite, self.inputScale, channels, stride) = (excite, inputScale, last.outChannels, last.outStride)
    }

    /// Multiply-adds of the shortcut and the gates for one input image of `h` x `w`.
    func multiplyAdds(height h: Int, width w: Int) -> Int {
        (shortcut?.multiplyAdds(height: h, width: w) ?? 0) + (excite?.multiplyAdds ?? 0)
    }

    /// relu(body * gates + skip) over `body` (`plane` pixels an image), written
    /// back, or quantized into `out` at `scale` when it is given (`mien_block_finish`).
    func finish(_ body: inout [Float], _ x: QuantizedBatch, plane: Int, into out: UnsafeMutablePointer<UInt8>?, scale: Float) {
        let n = x.count
        let skip = shortcut?.floatOutput(x)
        let gates = excite.map { Self.gates($0, body, count: n, plane: plane, channels: channels, stride: stride) }
        body.withUnsafeMutableBufferPointer { y in
            x.bytes.withUnsafeBufferPointer { xb in
                func call(_ skip: UnsafePointer<Float>?, _ gates: UnsafePointer<Float>?) {
                    mien_block_finish(y.baseAddress!, skip, xb.baseAddress!, Int32(x.stride), inputScale, gates, Int32(n),
                                      Int32(plane), Int32(channels), Int32(stride), out, scale)
                }
                switch (skip, gates) {
                case let (s?, g?): s.withUnsafeBufferPointer { sp in g.data.withUnsafeBufferPointer { call(sp.baseAddress!, $0.baseAddress!) } }
                case let (s?, nil): s.withUnsafeBufferPointer { call($0.baseAddress!, nil) }
                case let (nil, g?): g.data.withUnsafeBufferPointer { call(nil, $0.baseAddress!) }
                case (nil, nil): call(nil, nil)
                }
            }
        }
    }

    /// The same by plain loops (the shortcut's `reference`, then one value at a time), for tests.
    func referenceFinish(_ body: inout [Float], _ x: QuantizedBatch, plane: Int) {
        let n = x.count
        let skip = shortcut?.reference(x, float: true)
        var gates: [Float]?
        if let excite {   // the same Dense layers as the fast path (their own tests check them)
            gates = excite.expand(excite.reduce(Self.referenceMean(body, count: n, plane: plane, channels: channels, stride: stride))).data
        }
        for b in 0..<n {
            for p in 0..<plane {
                let at = (b * plane + p) * stride
                for ch in 0..<channels {
                    let residual = skip?[at + ch] ?? Float(x.bytes[(b * plane + p) * x.stride + ch]) * inputScale
                    let gated = gates.map { body[at + ch] * $0[b * channels + ch] } ?? body[at + ch]
                    body[at + ch] = max(gated + residual, 0)
                }
            }
        }
    }

    /// Squeeze-excitation's gates `[N, C]` of NHWC `body`.
    static func gates(_ excite: SqueezeExcite, _ body: [Float], count n: Int, plane: Int, channels c: Int, stride: Int) -> Tensor {
        excite.expand(excite.reduce(mean(body, count: n, plane: plane, channels: c, stride: stride)))
    }

    /// Each image's channel means `[N, C]` of NHWC values (`mien_channel_mean`).
    static func mean(_ values: [Float], count n: Int, plane: Int, channels c: Int, stride: Int) -> Tensor {
        Tensor(shape: [n, c]) { out in
            values.withUnsafeBufferPointer {
                mien_channel_mean($0.baseAddress!, Int32(n), Int32(plane), Int32(c), Int32(stride), out.baseAddress!)
            }
        }
    }

    /// The same by plain loops, for tests.
    static func referenceMean(_ values: [Float], count n: Int, plane: Int, channels c: Int, stride: Int) -> Tensor {
        var pooled = [Float](repeating: 0, count: n * c)
        for b in 0..<n {
            for p in 0..<plane { for ch in 0..<c { pooled[b * c + ch] += values[(b * plane + p) * stride + ch] } }
            for ch in 0..<c { pooled[b * c + ch] /= Float(plane) }
        }
        return Tensor(shape: [n, c], data: pooled)
    }
}
