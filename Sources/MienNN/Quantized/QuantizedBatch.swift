import CMienQuant

/// A batch of uint8 activations in NHWC order with zero point 0: the value of
/// a byte `q` is `q * scale`. Each pixel holds `stride` bytes, of which the
/// first `channels` are real (the rest are zero: the int8 kernels read whole
/// groups of 4 input channels and write whole blocks of 16 output channels).
public struct QuantizedBatch: Sendable, Equatable {
    public let count: Int
    public let height: Int
    public let width: Int
    public let channels: Int
    public let stride: Int
    /// `count * height * width * stride` bytes.
    public var bytes: [UInt8]

    /// A batch of zeros.
    public init(count: Int, height: Int, width: Int, channels: Int, stride: Int) {
        precondition(stride >= channels && channels > 0, "a pixel's stride \(stride) must hold its \(channels) channels")
        (self.count, self.height, self.width, self.channels, self.stride) = (count, height, width, channels, stride)
        bytes = [UInt8](repeating: 0, count: count * height * width * stride)
    }

    /// A batch whose every byte `write` sets (a kernel that writes whole
    /// pixels, padding included): no zeroing pass first.
    init(count: Int, height: Int, width: Int, channels: Int, stride: Int, writing write: (UnsafeMutablePointer<UInt8>) -> Void) {
        precondition(stride >= channels && channels > 0, "a pixel's stride \(stride) must hold its \(channels) channels")
        (self.count, self.height, self.width, self.channels, self.stride) = (count, height, width, channels, stride)
        let size = count * height * width * stride
        bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            if size > 0 { write(buffer.baseAddress!) }
            initialized = size
        }
    }

    /// `x` (`[N, C, H, W]`) quantized with `scale`: clamp(round half to even(x / scale), 0, 255),
    /// each pixel padded to `stride` bytes.
    public init(quantizing x: Tensor, scale: Float, stride: Int) {
        let (n, c, h, w) = x.nchw
        self.init(count: n, height: h, width: w, channels: c, stride: stride)
        x.data.withUnsafeBufferPointer { xp in
            bytes.withUnsafeMutableBufferPointer { out in
                mien_quantize_nchw(xp.baseAddress!, Int32(n), Int32(c), Int32(h * w), scale, out.baseAddress!, Int32(stride))
            }
        }
    }

    /// The same by plain loops, for tests.
    public init(referenceQuantizing x: Tensor, scale: Float, stride: Int) {
        let (n, c, h, w) = x.nchw
        self.init(count: n, height: h, width: w, channels: c, stride: stride)
        let plane = h * w
        for b in 0..<n {
            for ch in 0..<c {
                for p in 0..<plane { bytes[(b * plane + p) * stride + ch] = Self.quantize(x.data[(b * c + ch) * plane + p], scale) }
            }
        }
    }

    /// clamp(round half to even(value / scale), 0, 255): the one rounding every int8 step uses.
    @inline(__always)
    public static func quantize(_ value: Float, _ scale: Float) -> UInt8 {
        UInt8(min(max(value / scale, 0), 255).rounded(.toNearestOrEven))
    }
}
