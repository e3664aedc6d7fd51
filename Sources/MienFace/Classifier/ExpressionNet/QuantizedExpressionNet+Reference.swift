import MienNN

extension QuantizedExpressionNet {
    /// The logits by the plain references (`QuantizedStem.reference`,
    /// `QuantizedExpressionBlock.referenceFloatOutput`), for tests: `logits`
    /// must give these bits.
    func referenceLogits(_ input: Tensor) -> Tensor {
        var x = stem.reference(input)
        for (block, scale) in zip(blocks, outputScales) {
            guard let scale else {
                let (values, h, w) = block.referenceFloatOutput(x)
                return head(QuantizedResidualEnd.referenceMean(values, count: x.count, plane: h * w, channels: block.end.channels,
                                                               stride: block.end.stride))
            }
            x = block.reference(x, outputScale: scale)
        }
        preconditionFailure("expression-net has no blocks")
    }
}
