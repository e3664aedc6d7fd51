extension QuantizedConv2D {
    /// `conv` (batch norm folded, bias optional) with symmetric per-channel int8
    /// weights (`WeightQuantization`) for a uint8 input of `inputScale` and zero
    /// point `inputZero` (value = (q - inputZero) * inputScale): uint8 output at
    /// `outputScale` (rounded and clamped, so a ReLU), or float32 when nil.
    ///
    /// The kernels add up `q * w` without the zero point, so the zero point's
    /// share, `inputZero * sum(w)` per output channel, comes off the offset:
    /// exact for 1x1 and unpadded convolutions, where every tap reads an input
    /// value (a padded tap would read 0, not the zero point).
    public static func quantizing(_ conv: Conv2D, inputScale: Float, inputZero: Int = 0,
                                  outputScale: Float? = nil) -> QuantizedConv2D {
        precondition(inputZero == 0 || (conv.padding.top, conv.padding.bottom, conv.padding.left, conv.padding.right) == (0, 0, 0, 0),
                     "a zero point needs an unpadded convolution")
        let (values, scales) = WeightQuantization.perChannel(conv.weight)
        let bias = conv.bias ?? [Float](repeating: 0, count: conv.outChannels)
        let multiplier = scales.map { inputScale * $0 / (outputScale ?? 1) }
        var offset = outputScale.map { s in bias.map { $0 / s } } ?? bias
        if inputZero != 0 {
            let per = values.count / conv.outChannels
            for c in 0..<conv.outChannels {
                let sum = values[(c * per)..<((c + 1) * per)].reduce(0) { $0 + Int($1) }
                offset[c] -= multiplier[c] * Float(inputZero * sum)
            }
        }
        return QuantizedConv2D(weights: values, outChannels: conv.outChannels, inChannels: conv.inChannels,
                               kernel: conv.kernel.0, stride: conv.stride.0, padding: conv.padding.top,
                               multiplier: multiplier, offset: offset)
    }
}

extension QuantizedConv2D {
    /// The float32 output as NCHW `[N, Cout, OH, OW]`, each value as `max(v, 0)`
    /// when `relu`; `reference` takes the plain loops for the convolution and the layout change.
    public func nchwOutput(_ x: QuantizedBatch, relu: Bool, reference: Bool = false) -> Tensor {
        let (oh, ow) = (outputSize(x.height), outputSize(x.width))
        if reference {
            return Tensor(referenceNHWC: self.reference(x, float: true), count: x.count, height: oh, width: ow,
                          channels: outChannels, stride: outStride, relu: relu)
        }
        return Tensor(nhwc: floatOutput(x), count: x.count, height: oh, width: ow, channels: outChannels,
                      stride: outStride, relu: relu)
    }
}
