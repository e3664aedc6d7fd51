import CMienFloat

/// A 1x1 convolution (stride 1, no padding) over NCHW input, with bias and an
/// optional fused ReLU: `y[o, p] = bias[o] + sum_k W[o, k] * x[k, p]` at every
/// position `p`. Weights are `[Cout, Cin]`.
///
/// For the few channels of YuNet's layers (16 to 64 in, 1 to 64 out) a GEMM
/// library spends much of its time packing; the fast path (C, `CMienFloat`)
/// instead keeps a block of 8 output channels x 32 positions in AVX-512
/// registers (6 x 16 with AVX2) and streams the input channels past it (the
/// positions of every input channel stay in L1 cache while all output blocks
/// use them). Its paths give the same bits (`FloatKernelPath`); the reference
/// follows the definition; `PointwiseConvTests` compares them.
public struct PointwiseConv: Sendable {
    /// `[Cout, Cin]`.
    public let weight: Tensor
    /// `[Cout]`.
    public let bias: [Float]
    /// ReLU after the bias.
    public let relu: Bool

    /// Creates the convolution; `bias` has `Cout` values.
    public init(weight: Tensor, bias: [Float], relu: Bool = false) {
        precondition(weight.rank == 2 && bias.count == weight.shape[0], "pointwise weight must be [Cout, Cin] with Cout biases")
        self.weight = weight
        self.bias = bias
        self.relu = relu
    }

    public var outChannels: Int { weight.shape[0] }
    public var inChannels: Int { weight.shape[1] }

    /// The convolution, fast path.
    public func callAsFunction(_ x: Tensor) -> Tensor { self(x, path: .auto) }

    /// The convolution through one kernel path (tests compare them).
    public func callAsFunction(_ x: Tensor, path: FloatKernelPath) -> Tensor {
        let (n, c, h, w) = x.nchw
        precondition(c == inChannels, "pointwise convolution expects \(inChannels) channels, got \(c) (input \(x.shape))")
        let m = outChannels, k = inChannels, positions = h * w
        return Tensor(shape: [n, m, h, w]) { y in
            weight.data.withUnsafeBufferPointer { wp in
                bias.withUnsafeBufferPointer { bp in
                    x.data.withUnsafeBufferPointer { xp in
                        for b in 0..<n {
                            Self.run(wp.baseAddress!, bp.baseAddress!, m: m, k: k, xp.baseAddress! + b * k * positions,
                                     y.baseAddress! + b * m * positions, positions: positions, relu: relu, path: path)
                        }
                    }
                }
            }
        }
    }

    /// A `conv` (any kernel, stride and padding) computed as its unfolded windows
    /// (`Im2Col`, `[Cin * kh * kw, positions]`) through this kernel: for a
    /// first layer over 3 channels, where a GEMM is mostly packing. `self` must
    /// hold `conv`'s weights as `[Cout, Cin * kh * kw]` (`PointwiseConv(unfolding:)`).
    public func unfolded(_ x: Tensor, as conv: Conv2D) -> Tensor {
        let (n, c, h, w) = x.nchw
        let (oh, ow) = conv.outputSize(height: h, width: w)
        let k = c * conv.kernel.0 * conv.kernel.1, positions = oh * ow
        precondition(k == inChannels, "unfolded: \(k) window values, the weights take \(inChannels)")
        var columns = Tensor(shape: [n, k, oh, ow], initializingWith: { _ in })
        columns.data.withUnsafeMutableBufferPointer { cols in
            x.data.withUnsafeBufferPointer { xp in
                for b in 0..<n {
                    Im2Col.unfold(xp.baseAddress! + b * c * h * w, channels: c, height: h, width: w, kernel: conv.kernel,
                                  stride: conv.stride, padding: conv.padding, outWidth: ow, rows: 0..<oh,
                                  into: cols.baseAddress! + b * k * positions, ldc: positions, colOffset: 0)
                }
            }
        }
        return self(columns)
    }

    /// `conv`'s weights flattened to `[Cout, Cin * kh * kw]`, with its bias and (if any) ReLU, for `unfolded`.
    public init(unfolding conv: Conv2D) {
        precondition(conv.activation == nil || conv.activation == .relu, "unfolded convolutions fuse ReLU only")
        self.init(weight: conv.weight.reshaped([conv.outChannels, conv.weight.count / conv.outChannels]),
                  bias: conv.bias ?? [Float](repeating: 0, count: conv.outChannels), relu: conv.activation == .relu)
    }

    /// One image: `x` `[k, positions]` to `y` `[m, positions]`, by `FloatKernelPath`'s choice.
    static func run(_ w: UnsafePointer<Float>, _ bias: UnsafePointer<Float>, m: Int, k: Int, _ x: UnsafePointer<Float>,
                    _ y: UnsafeMutablePointer<Float>, positions: Int, relu: Bool, path: FloatKernelPath = .auto) {
        mien_pointwise_f32(w, bias, Int32(m), Int32(k), x, y, positions, relu ? 1 : 0, path.c)
    }

    /// The convolution by its definition, for tests.
    public func reference(_ x: Tensor) -> Tensor {
        let (n, c, h, w) = x.nchw
        let m = outChannels, positions = h * w
        var y = Tensor(shape: [n, m, h, w])
        for b in 0..<n {
            for o in 0..<m {
                for p in 0..<positions {
                    var s = bias[o]
                    for i in 0..<c { s += weight.data[o * c + i] * x.data[(b * c + i) * positions + p] }
                    y.data[(b * m + o) * positions + p] = relu ? max(s, 0) : s
                }
            }
        }
        return y
    }
}
