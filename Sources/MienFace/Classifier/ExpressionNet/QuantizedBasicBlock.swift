import CMienQuant
import MienNN

/// One `BasicBlock` of expression-net in int8: the convolutions in integers,
/// squeeze-excitation, the shortcut add and the ReLU in float32, NHWC.
///
/// ```
/// mid  = conv1(x)                      uint8 (scale midScale), ReLU by the clamp
/// body = conv2(mid)                    float32
/// skip = shortcut(x) (float32), or x * inputScale
/// y    = relu(body * SE(body) + skip)  quantized to uint8 (outputScale), or float32 for the last block
/// ```
struct QuantizedBasicBlock: Sendable {
    let conv1: QuantizedConv2D
    let conv2: QuantizedConv2D
    let shortcut: QuantizedConv2D?
    let excite: SqueezeExcite?
    /// The scale of the block's uint8 input.
    let inputScale: Float

    /// Builds the block from its float32 form and the activation scales around it.
    init(_ block: BasicBlock, inputScale: Float, midScale: Float) {
        self.inputScale = inputScale
        conv1 = Self.quantized(block.conv1, inputScale: inputScale, outputScale: midScale)
        conv2 = Self.quantized(block.conv2, inputScale: midScale, outputScale: nil)
        shortcut = block.shortcut.map { Self.quantized($0, inputScale: inputScale, outputScale: nil) }
        excite = block.excite
    }

    /// `conv` with int8 weights; uint8 output at `outputScale`, or float32 when nil.
    static func quantized(_ conv: Conv2D, inputScale: Float, outputScale: Float?) -> QuantizedConv2D {
        .quantizing(conv, inputScale: inputScale, outputScale: outputScale)
    }

    /// Multiply-adds for one image of `h` x `w`.
    func multiplyAdds(height h: Int, width w: Int) -> Int {
        let (oh, ow) = (conv1.outputSize(h), conv1.outputSize(w))
        return conv1.multiplyAdds(height: h, width: w) + conv2.multiplyAdds(height: oh, width: ow)
            + (shortcut?.multiplyAdds(height: h, width: w) ?? 0) + (excite?.multiplyAdds ?? 0)
    }

    /// The block's float32 output, NHWC with `conv2.outStride` values a pixel, and its size.
    func floatOutput(_ x: QuantizedBatch) -> (values: [Float], height: Int, width: Int) {
        var (body, h, w) = convolved(x)
        finish(&body, x, plane: h * w, into: nil, scale: 1)
        return (body, h, w)
    }

    /// The block's output quantized to uint8 at `scale` for the next block.
    func callAsFunction(_ x: QuantizedBatch, outputScale scale: Float) -> QuantizedBatch {
        var (body, h, w) = convolved(x)
        var y = QuantizedBatch(count: x.count, height: h, width: w, channels: conv2.outChannels, stride: conv2.outStride)
        y.bytes.withUnsafeMutableBufferPointer { finish(&body, x, plane: h * w, into: $0.baseAddress!, scale: scale) }
        return y
    }

    /// conv2(conv1(x)): the float32 body, NHWC, and its size.
    private func convolved(_ x: QuantizedBatch) -> ([Float], Int, Int) {
        let mid = conv1(x)
        return (conv2.floatOutput(mid), mid.height, mid.width)
    }

    /// relu(body * gates + skip) over `body`, written back or quantized `into` (`mien_block_finish`).
    private func finish(_ body: inout [Float], _ x: QuantizedBatch, plane: Int, into out: UnsafeMutablePointer<UInt8>?, scale: Float) {
        let (n, c, stride) = (x.count, conv2.outChannels, conv2.outStride)
        let skip = shortcut?.floatOutput(x)
        let gates = excite.map { Self.gates($0, body, count: n, plane: plane, channels: c, stride: stride) }
        body.withUnsafeMutableBufferPointer { y in
            x.bytes.withUnsafeBufferPointer { xb in
                func call(_ skip: UnsafePointer<Float>?, _ gates: UnsafePointer<Float>?) {
                    mien_block_finish(y.baseAddress!, skip, xb.baseAddress!, Int32(x.stride), inputScale, gates, Int32(n),
                                      Int32(plane), Int32(c), Int32(stride), out, scale)
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
}
