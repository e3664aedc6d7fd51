/// A 1x1 convolution (stride 1, no padding) over NCHW input, with bias and an
/// optional fused ReLU: `y[o, p] = bias[o] + sum_k W[o, k] * x[k, p]` at every
/// position `p`. Weights are `[Cout, Cin]`.
///
/// For the few channels of YuNet's layers (16 to 64 in, 1 to 64 out) a GEMM
/// library spends much of its time packing; the fast path instead keeps a
/// block of 4 output channels x 16 positions in vector registers and streams
/// the input channels past it (the 16 positions of every input channel stay in
/// L1 cache while all output blocks use them). The reference follows the
/// definition; `PointwiseConvTests` compares them.
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
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let (n, c, h, w) = x.nchw
        precondition(c == inChannels, "pointwise convolution expects \(inChannels) channels, got \(c) (input \(x.shape))")
        let m = outChannels, k = inChannels, positions = h * w
        return Tensor(shape: [n, m, h, w]) { y in
            weight.data.withUnsafeBufferPointer { wp in
                bias.withUnsafeBufferPointer { bp in
                    x.data.withUnsafeBufferPointer { xp in
                        for b in 0..<n {
                            Self.run(wp.baseAddress!, bp.baseAddress!, m: m, k: k, xp.baseAddress! + b * k * positions,
                                     y.baseAddress! + b * m * positions, positions: positions, relu: relu)
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

    typealias Vector = SIMD8<Float>

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> Vector { UnsafeRawPointer(p).loadUnaligned(as: Vector.self) }

    @inline(__always)
    static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self) }

    /// ReLU on `count` stored values, a plain loop the compiler turns into vector
    /// max instructions (the generic `pointwiseMax` on the accumulators was a call per vector).
    @inline(__always)
    static func clampNegatives(_ p: UnsafeMutablePointer<Float>, count: Int) {
        for j in 0..<count { p[j] = max(p[j], 0) }
    }

    /// One image: `x` `[k, positions]` to `y` `[m, positions]`.
    static func run(_ w: UnsafePointer<Float>, _ bias: UnsafePointer<Float>, m: Int, k: Int, _ x: UnsafePointer<Float>,
                    _ y: UnsafeMutablePointer<Float>, positions: Int, relu: Bool) {
        let blocks = positions / 16
        for block in 0..<blocks {
            let p = block &* 16
            var o = 0
            while o &+ 4 <= m {
                var a0 = Vector(repeating: bias[o]), a1 = a0
                var b0 = Vector(repeating: bias[o &+ 1]), b1 = b0
                var c0 = Vector(repeating: bias[o &+ 2]), c1 = c0
                var d0 = Vector(repeating: bias[o &+ 3]), d1 = d0
                let wa = w + (o &* k), wb = wa + k, wc = wb + k, wd = wc + k
                for i in 0..<k {
                    let row = x + (i &* positions &+ p)
                    let x0 = load(row), x1 = load(row + 8)
                    a0 = a0.addingProduct(x0, wa[i]); a1 = a1.addingProduct(x1, wa[i])
                    b0 = b0.addingProduct(x0, wb[i]); b1 = b1.addingProduct(x1, wb[i])
                    c0 = c0.addingProduct(x0, wc[i]); c1 = c1.addingProduct(x1, wc[i])
                    d0 = d0.addingProduct(x0, wd[i]); d1 = d1.addingProduct(x1, wd[i])
                }
                let out = y + (o &* positions &+ p)
                store(a0, out); store(a1, out + 8)
                store(b0, out + positions); store(b1, out + (positions &+ 8))
                store(c0, out + 2 &* positions); store(c1, out + (2 &* positions &+ 8))
                store(d0, out + 3 &* positions); store(d1, out + (3 &* positions &+ 8))
                if relu { for r in 0..<4 { clampNegatives(out + r &* positions, count: 16) } }
                o &+= 4
            }
            while o < m {                                   // the last 1-3 output channels
                var a0 = Vector(repeating: bias[o]), a1 = a0
                let wa = w + (o &* k)
                for i in 0..<k {
                    let row = x + (i &* positions &+ p)
                    a0 = a0.addingProduct(load(row), wa[i]); a1 = a1.addingProduct(load(row + 8), wa[i])
                }
                store(a0, y + (o &* positions &+ p)); store(a1, y + (o &* positions &+ p &+ 8))
                if relu { clampNegatives(y + (o &* positions &+ p), count: 16) }
                o &+= 1
            }
        }
        for p in (blocks * 16)..<positions {                 // the last positions, one at a time
            for o in 0..<m {
                var s = bias[o]
                for i in 0..<k { s = s.addingProduct(w[o * k + i], x[i * positions + p]) }
                y[o * positions + p] = relu ? max(s, 0) : s
            }
        }
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
