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
        let (values, scales) = WeightQuantization.perChannel(conv.weight)
        let bias = conv.bias ?? [Float](repeating: 0, count: conv.outChannels)
        let multiplier = scales.map { inputScale * $0 / (outputScale ?? 1) }
        let offset = outputScale.map { s in bias.map { $0 / s } } ?? bias
        return QuantizedConv2D(weights: values, outChannels: conv.outChannels, inChannels: conv.inChannels,
                               kernel: conv.kernel.0, stride: conv.stride.0, padding: conv.padding.top,
                               multiplier: multiplier, offset: offset)
    }

    /// Multiply-adds for one image of `h` x `w`.
    func multiplyAdds(height h: Int, width w: Int) -> Int {
        let (oh, ow) = (conv1.outputSize(h), conv1.outputSize(w))
        return conv1.multiplyAdds(height: h, width: w) + conv2.multiplyAdds(height: oh, width: ow)
            + (shortcut?.multiplyAdds(height: h, width: w) ?? 0) + (excite?.multiplyAdds ?? 0)
    }

    /// The block's float32 output, NHWC with `conv2.outStride` values a pixel, and its size.
    func floatOutput(_ x: QuantizedBatch) -> (values: [Float], height: Int, width: Int) {
        let mid = conv1(x)
        var body = conv2.floatOutput(mid)
        let (n, h, w, c, stride) = (x.count, mid.height, mid.width, conv2.outChannels, conv2.outStride)
        let plane = h * w
        let skip = shortcut?.floatOutput(x)
        let gates = excite.map { Self.gates($0, body, count: n, plane: plane, channels: c, stride: stride) }
        body.withUnsafeMutableBufferPointer { y in
            for b in 0..<n {
                for p in 0..<plane {
                    let at = (b * plane + p) * stride
                    for ch in 0..<c {
                        let residual = skip?[at + ch] ?? Float(x.bytes[(b * plane + p) * x.stride + ch]) * inputScale
                        let gated = gates.map { y[at + ch] * $0.data[b * c + ch] } ?? y[at + ch]
                        y[at + ch] = max(gated + residual, 0)
                    }
                }
            }
        }
        return (body, h, w)
    }

    /// The block's output quantized to uint8 at `scale` for the next block.
    func callAsFunction(_ x: QuantizedBatch, outputScale scale: Float) -> QuantizedBatch {
        let (values, h, w) = floatOutput(x)
        let stride = conv2.outStride
        var y = QuantizedBatch(count: x.count, height: h, width: w, channels: conv2.outChannels, stride: stride)
        y.bytes.withUnsafeMutableBufferPointer { out in
            for p in 0..<(x.count * h * w) {
                for ch in 0..<conv2.outChannels { out[p * stride + ch] = QuantizedBatch.quantize(values[p * stride + ch], scale) }
            }
        }
        return y
    }

    /// Squeeze-excitation's gates `[N, C]` of NHWC `body`.
    static func gates(_ excite: SqueezeExcite, _ body: [Float], count n: Int, plane: Int, channels c: Int, stride: Int) -> Tensor {
        excite.expand(excite.reduce(mean(body, count: n, plane: plane, channels: c, stride: stride)))
    }

    /// Each image's channel means `[N, C]` of NHWC values.
    static func mean(_ values: [Float], count n: Int, plane: Int, channels c: Int, stride: Int) -> Tensor {
        Tensor(shape: [n, c]) { out in
            for b in 0..<n {
                for ch in 0..<c { out[b * c + ch] = 0 }
                for p in 0..<plane { for ch in 0..<c { out[b * c + ch] += values[(b * plane + p) * stride + ch] } }
                for ch in 0..<c { out[b * c + ch] /= Float(plane) }
            }
        }
    }
}
