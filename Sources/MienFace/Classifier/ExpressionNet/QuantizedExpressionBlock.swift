import MienNN

/// One residual block of expression-net's int8 form: a body of integer
/// convolutions that ends in float32 (`QuantizedBasicBlock`,
/// `QuantizedSeparableBlock`), then the shared `QuantizedResidualEnd`.
protocol QuantizedExpressionBlock: Sendable {
    /// The shortcut, gates, add and ReLU after the body.
    var end: QuantizedResidualEnd { get }
    /// Output height and width for an input of `h` x `w`.
    func outputSize(height h: Int, width w: Int) -> (Int, Int)
    /// Multiply-adds of the body for one image of `h` x `w`.
    func bodyMultiplyAdds(height h: Int, width w: Int) -> Int
    /// The body's float32 output, NHWC with `end.stride` values a pixel.
    func body(_ x: QuantizedBatch) -> [Float]
    /// The same by the plain references, for tests.
    func referenceBody(_ x: QuantizedBatch) -> [Float]
}

extension QuantizedExpressionBlock {
    /// Multiply-adds for one image of `h` x `w`.
    func multiplyAdds(height h: Int, width w: Int) -> Int {
        bodyMultiplyAdds(height: h, width: w) + end.multiplyAdds(height: h, width: w)
    }

    /// The block's float32 output, NHWC with `end.stride` values a pixel, and its size.
    func floatOutput(_ x: QuantizedBatch) -> (values: [Float], height: Int, width: Int) {
        var values = body(x)
        let (h, w) = outputSize(height: x.height, width: x.width)
        end.finish(&values, x, plane: h * w, into: nil, scale: 1)
        return (values, h, w)
    }

    /// The block's output quantized to uint8 at `scale` for the next block.
    func callAsFunction(_ x: QuantizedBatch, outputScale scale: Float) -> QuantizedBatch {
        var values = body(x)
        let (h, w) = outputSize(height: x.height, width: x.width)
        var y = QuantizedBatch(count: x.count, height: h, width: w, channels: end.channels, stride: end.stride)
        y.bytes.withUnsafeMutableBufferPointer { end.finish(&values, x, plane: h * w, into: $0.baseAddress!, scale: scale) }
        return y
    }

    /// `floatOutput` by the plain references, for tests: the fast path must give these bits.
    func referenceFloatOutput(_ x: QuantizedBatch) -> (values: [Float], height: Int, width: Int) {
        var values = referenceBody(x)
        let (h, w) = outputSize(height: x.height, width: x.width)
        end.referenceFinish(&values, x, plane: h * w)
        return (values, h, w)
    }

    /// `referenceFloatOutput` quantized at `scale`.
    func reference(_ x: QuantizedBatch, outputScale scale: Float) -> QuantizedBatch {
        let (values, h, w) = referenceFloatOutput(x)
        var y = QuantizedBatch(count: x.count, height: h, width: w, channels: end.channels, stride: end.stride)
        for p in 0..<(x.count * h * w) {
            for ch in 0..<end.channels { y.bytes[p * y.stride + ch] = QuantizedBatch.quantize(values[p * y.stride + ch], scale) }
        }
        return y
    }
}
