import MienNN

extension QuantizedExpressionNet {
    /// The logits by the plain references (`QuantizedBasicBlock.referenceFloatOutput`,
    /// `QuantizedBatch(referenceQuantizing:)`), for tests: `logits` must give these bits.
    func referenceLogits(_ input: Tensor) -> Tensor {
        var x = QuantizedBatch(referenceQuantizing: stem(input), scale: stemScale, stride: QuantizedBatch.paddedStride(channels: stem.outChannels))
        for (block, scale) in zip(blocks, outputScales) {
            guard let scale else {
                let (values, h, w) = block.referenceFloatOutput(x)
                let (n, c, stride, plane) = (x.count, block.conv2.outChannels, block.conv2.outStride, h * w)
                var pooled = [Float](repeating: 0, count: n * c)
                for b in 0..<n {
                    for p in 0..<plane { for ch in 0..<c { pooled[b * c + ch] += values[(b * plane + p) * stride + ch] } }
                    for ch in 0..<c { pooled[b * c + ch] /= Float(plane) }
                }
                return head(Tensor(shape: [n, c], data: pooled))
            }
            x = block.reference(x, outputScale: scale)
        }
        preconditionFailure("expression-net has no blocks")
    }
}
