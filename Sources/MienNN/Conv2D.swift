/// 2-D convolution over NCHW input: any kernel, stride and padding, optional
/// bias and fused activation. Weights are `[Cout, Cin, kh, kw]`.
///
/// The fast path unfolds windows (`Im2Col`) and runs one `cblas_sgemm`; a 1x1
/// stride-1 unpadded convolution is a GEMM on the input as it is. Small images
/// (R-Net/O-Net crops) are unfolded side by side so a whole batch is one GEMM.
public struct Conv2D: Sendable {
    /// `[Cout, Cin, kh, kw]`.
    public var weight: Tensor
    /// `[Cout]`, or nil.
    public var bias: [Float]?
    public var stride: (Int, Int)
    public var padding: Padding2D
    public var activation: Activation?

    /// Creates a convolution; `weight` must be rank 4 and `bias`, if any, of length Cout.
    public init(weight: Tensor, bias: [Float]? = nil, stride: (Int, Int) = (1, 1), padding: Padding2D = .valid,
                activation: Activation? = nil) {
        precondition(weight.rank == 4, "convolution weight must be [Cout, Cin, kh, kw], got \(weight.shape)")
        precondition(bias == nil || bias!.count == weight.shape[0], "bias length must be Cout")
        self.weight = weight
        self.bias = bias
        self.stride = stride
        self.padding = padding
        self.activation = activation
    }

    public var outChannels: Int { weight.shape[0] }
    public var inChannels: Int { weight.shape[1] }
    public var kernel: (Int, Int) { (weight.shape[2], weight.shape[3]) }

    /// Output height and width for an input of `h` x `w`.
    public func outputSize(height h: Int, width w: Int) -> (Int, Int) {
        (Padding2D.outputSize(h, kernel: kernel.0, stride: stride.0, before: padding.top, after: padding.bottom),
         Padding2D.outputSize(w, kernel: kernel.1, stride: stride.1, before: padding.left, after: padding.right))
    }

    /// Multiply-adds for one image of `h` x `w`.
    public func multiplyAdds(height h: Int, width w: Int) -> Int {
        let (oh, ow) = outputSize(height: h, width: w)
        return oh * ow * outChannels * inChannels * kernel.0 * kernel.1
    }

    /// Images unfolded into one GEMM when their output is this small (positions per image).
    static let batchedColumnsBelow = 1024

    /// The convolution, fast path.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let (n, cin, h, w) = x.nchw
        precondition(cin == inChannels, "convolution expects \(inChannels) input channels, got \(cin) (input \(x.shape))")
        let (oh, ow) = outputSize(height: h, width: w)
        let cout = outChannels, positions = oh * ow
        let k = cin * kernel.0 * kernel.1
        var y = Tensor(shape: [n, cout, oh, ow])
        guard positions > 0 && n > 0 else { return y }
        let pointwise = kernel == (1, 1) && stride == (1, 1) && padding == .valid
        let perGEMM = pointwise || positions >= Self.batchedColumnsBelow ? 1 : max(1, min(n, 4096 / positions))

        weight.data.withUnsafeBufferPointer { wp in
            x.data.withUnsafeBufferPointer { xp in
                y.data.withUnsafeMutableBufferPointer { yp in
                    var cols = [Float](repeating: 0, count: pointwise ? 0 : k * positions * perGEMM)
                    var scratch = [Float](repeating: 0, count: perGEMM > 1 ? cout * positions * perGEMM : 0)
                    cols.withUnsafeMutableBufferPointer { cp in
                        scratch.withUnsafeMutableBufferPointer { sp in
                            var first = 0
                            while first < n {
                                let count = min(perGEMM, n - first)
                                let columns = count * positions
                                let source: UnsafePointer<Float>
                                if pointwise {
                                    source = xp.baseAddress! + first * cin * h * w
                                } else {
                                    for i in 0..<count {
                                        Im2Col.unfold(xp.baseAddress! + (first + i) * cin * h * w, channels: cin, height: h, width: w,
                                                      kernel: kernel, stride: stride, padding: padding, outHeight: oh, outWidth: ow,
                                                      into: cp.baseAddress!, ldc: columns, colOffset: i * positions)
                                    }
                                    source = UnsafePointer(cp.baseAddress!)
                                }
                                let target = count == 1 ? yp.baseAddress! + first * cout * positions : sp.baseAddress!
                                fillBias(target, rows: cout, columns: columns)
                                // [Cout, Cin*kh*kw] x [Cin*kh*kw, count*oh*ow] -> [Cout, count*oh*ow]
                                MatrixMultiply.gemm(m: cout, n: columns, k: k, wp.baseAddress!, lda: k, source, ldb: columns,
                                                    beta: 1, target, ldc: columns)
                                if count > 1 {
                                    // [Cout, count, oh*ow] -> [count, Cout, oh*ow]
                                    for i in 0..<count {
                                        for c in 0..<cout {
                                            (yp.baseAddress! + ((first + i) * cout + c) * positions)
                                                .update(from: sp.baseAddress! + c * columns + i * positions, count: positions)
                                        }
                                    }
                                }
                                first += count
                            }
                        }
                    }
                    activation?.apply(yp.baseAddress!, count: n * cout * positions, channels: cout, planeSize: positions)
                }
            }
        }
        return y
    }

    private func fillBias(_ target: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
        for r in 0..<rows { (target + r * columns).update(repeating: bias?[r] ?? 0, count: columns) }
    }

    /// The convolution by its definition, for tests.
    public func reference(_ x: Tensor) -> Tensor {
        let (n, cin, h, w) = x.nchw
        let (oh, ow) = outputSize(height: h, width: w)
        let (kh, kw) = kernel
        var y = Tensor(shape: [n, outChannels, oh, ow])
        for b in 0..<n {
            for co in 0..<outChannels {
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        var sum = bias?[co] ?? 0
                        for ci in 0..<cin {
                            for ky in 0..<kh {
                                for kx in 0..<kw {
                                    let iy = oy * stride.0 - padding.top + ky, ix = ox * stride.1 - padding.left + kx
                                    guard iy >= 0 && iy < h && ix >= 0 && ix < w else { continue }
                                    sum += weight.data[((co * cin + ci) * kh + ky) * kw + kx] * x.data[((b * cin + ci) * h + iy) * w + ix]
                                }
                            }
                        }
                        y.data[((b * outChannels + co) * oh + oy) * ow + ox] = sum
                    }
                }
            }
        }
        return activation.map { $0(y) } ?? y
    }
}
