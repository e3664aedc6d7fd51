import MienNN

extension QuantizedBasicBlock {
    /// The block by plain loops (the convolutions' `reference`, then the float32
    /// steps one value at a time), for tests: the fast path must give these bits.
    /// Returns the float32 output (NHWC, `conv2.outStride` a pixel) and its size.
    func referenceFloatOutput(_ x: QuantizedBatch) -> (values: [Float], height: Int, width: Int) {
        var mid = QuantizedBatch(count: x.count, height: conv1.outputSize(x.height), width: conv1.outputSize(x.width),
                                 channels: conv1.outChannels, stride: conv1.outStride)
        mid.bytes = conv1.reference(x, float: false).map { UInt8($0) }
        var body = conv2.reference(mid, float: true)
        let (n, h, w, c, stride) = (x.count, mid.height, mid.width, conv2.outChannels, conv2.outStride)
        let plane = h * w
        let skip = shortcut?.reference(x, float: true)
        var gates: [Float]?
        if let excite {
            var means = [Float](repeating: 0, count: n * c)
            for b in 0..<n {
                for p in 0..<plane { for ch in 0..<c { means[b * c + ch] += body[(b * plane + p) * stride + ch] } }
                for ch in 0..<c { means[b * c + ch] /= Float(plane) }
            }
            // The same Dense layers as the fast path (their own tests check them).
            gates = excite.expand(excite.reduce(Tensor(shape: [n, c], data: means))).data
        }
        for b in 0..<n {
            for p in 0..<plane {
                let at = (b * plane + p) * stride
                for ch in 0..<c {
                    let residual = skip?[at + ch] ?? Float(x.bytes[(b * plane + p) * x.stride + ch]) * inputScale
                    let gated = gates.map { body[at + ch] * $0[b * c + ch] } ?? body[at + ch]
                    body[at + ch] = max(gated + residual, 0)
                }
            }
        }
        return (body, h, w)
    }

    /// `referenceFloatOutput` quantized at `scale`.
    func reference(_ x: QuantizedBatch, outputScale scale: Float) -> QuantizedBatch {
        let (values, h, w) = referenceFloatOutput(x)
        var y = QuantizedBatch(count: x.count, height: h, width: w, channels: conv2.outChannels, stride: conv2.outStride)
        for p in 0..<(x.count * h * w) {
            for ch in 0..<conv2.outChannels { y.bytes[p * y.stride + ch] = QuantizedBatch.quantize(values[p * y.stride + ch], scale) }
        }
        return y
    }
}
