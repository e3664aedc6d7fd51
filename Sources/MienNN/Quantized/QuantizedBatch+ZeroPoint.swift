import CMienQuant

extension QuantizedBatch {
    /// Bytes a pixel of `channels` channels takes in the int8 kernels' layout:
    /// the channels rounded up to a whole 16-byte block.
    public static func paddedStride(channels: Int) -> Int { (channels + 15) / 16 * 16 }

    /// `x` quantized as `init(quantizing:scale:zero:stride:)` at `paddedStride`,
    /// or by the plain loops when `reference` is set (the quantized classifiers' two paths).
    public init(quantizing x: Tensor, scale: Float, zero: Int, reference: Bool) {
        let stride = Self.paddedStride(channels: x.shape[1])
        self = reference ? QuantizedBatch(referenceQuantizing: x, scale: scale, zero: zero, stride: stride)
            : QuantizedBatch(quantizing: x, scale: scale, zero: zero, stride: stride)
    }

    /// `x` (`[N, C, H, W]`, signed values) quantized with `scale` and zero point
    /// `zero`: clamp(round half to even(clamp(x / scale, -256, 256)) + zero, 0, 255),
    /// each pixel padded to `stride` bytes. A byte `q` stands for `(q - zero) * scale`.
    public init(quantizing x: Tensor, scale: Float, zero: Int, stride: Int) {
        let (n, c, h, w) = x.nchw
        self.init(count: n, height: h, width: w, channels: c, stride: stride)
        x.data.withUnsafeBufferPointer { xp in
            bytes.withUnsafeMutableBufferPointer { out in
                mien_quantize_nchw_zero(xp.baseAddress!, Int32(n), Int32(c), Int32(h * w), scale, Int32(zero), out.baseAddress!, Int32(stride))
            }
        }
    }

    /// The same by plain loops, for tests.
    public init(referenceQuantizing x: Tensor, scale: Float, zero: Int, stride: Int) {
        let (n, c, h, w) = x.nchw
        self.init(count: n, height: h, width: w, channels: c, stride: stride)
        let plane = h * w
        for b in 0..<n {
            for ch in 0..<c {
                for p in 0..<plane {
                    let q = min(max(x.data[(b * c + ch) * plane + p] / scale, -256), 256).rounded(.toNearestOrEven) + Float(zero)
                    bytes[(b * plane + p) * stride + ch] = UInt8(min(max(q, 0), 255))
                }
            }
        }
    }
}

extension Tensor {
    /// NCHW `[count, channels, height, width]` from NHWC floats with `stride`
    /// values a pixel (a `QuantizedConv2D`'s float output), as `max(v, 0)` when `relu`.
    public init(nhwc values: [Float], count: Int, height: Int, width: Int, channels: Int, stride: Int, relu: Bool) {
        precondition(values.count == count * height * width * stride && stride >= channels, "NHWC floats do not fit the shape")
        self.init(shape: [count, channels, height, width]) { out in
            values.withUnsafeBufferPointer { v in
                mien_nhwc_to_nchw(v.baseAddress!, Int32(count), Int32(height * width), Int32(channels), Int32(stride),
                                  relu ? 1 : 0, out.baseAddress!)
            }
        }
    }

    /// The same by plain loops, for tests.
    public init(referenceNHWC values: [Float], count: Int, height: Int, width: Int, channels: Int, stride: Int, relu: Bool) {
        let plane = height * width
        self.init(shape: [count, channels, height, width]) { out in
            for b in 0..<count {
                for ch in 0..<channels {
                    for p in 0..<plane {
                        let v = values[(b * plane + p) * stride + ch]
                        out[(b * channels + ch) * plane + p] = relu ? (v > 0 ? v : 0) : v
                    }
                }
            }
        }
    }
}
