/// 2-D convolution over NCHW input: any kernel, stride and padding, optional
/// bias and fused activation. Weights are `[Cout, Cin, kh, kw]`.
///
/// The fast path unfolds windows (`Im2Col`) a tile of output rows at a time
/// and runs one `cblas_sgemm` per tile; a 1x1 stride-1 unpadded convolution is
/// a GEMM on the input as it is. Small images (R-Net/O-Net crops) are unfolded
/// side by side so a whole batch is one GEMM. A 3x3 stride-1 convolution,
/// unpadded or padded by 1, whose rows are wide enough (`DirectConv3x3.pays`: P-Net, the
/// first R-Net and O-Net layers, mini-Xception's first two) is computed
/// directly from the input instead, without unfolding.
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
    /// About how many floats of unfolded columns one GEMM takes (a tile of
    /// output rows; 256 KiB, so that the columns stay in L2 cache).
    static let tileFloats = 65_536

    /// The convolution, fast path. Larger images run in tiles of output rows:
    /// unfold the tile, one GEMM straight into the output, then bias and
    /// activation over the tile while it is in cache.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let (n, cin, h, w) = x.nchw
        precondition(cin == inChannels, "convolution expects \(inChannels) input channels, got \(cin) (input \(x.shape))")
        let (oh, ow) = outputSize(height: h, width: w)
        let cout = outChannels, positions = oh * ow
        guard positions > 0 && n > 0 else { return Tensor(shape: [n, cout, oh, ow]) }
        let pointwise = kernel == (1, 1) && stride == (1, 1) && padding == .valid
        if kernel == (3, 3) && stride == (1, 1) && (padding == .valid || padding == .symmetric(1))
            && DirectConv3x3.pays(inChannels: cin, outWidth: ow) {
            return direct(x)
        }
        let perGEMM = pointwise || positions >= Self.batchedColumnsBelow ? 1 : max(1, min(n, 4096 / positions))
        return Tensor(shape: [n, cout, oh, ow]) { y in
            weight.data.withUnsafeBufferPointer { wp in
                x.data.withUnsafeBufferPointer { xp in
                    if perGEMM > 1 {
                        batched(xp.baseAddress!, n: n, height: h, width: w, perGEMM: perGEMM, weights: wp.baseAddress!,
                                into: y.baseAddress!)
                    } else {
                        for b in 0..<n {
                            tiled(xp.baseAddress! + b * cin * h * w, height: h, width: w, pointwise: pointwise,
                                  weights: wp.baseAddress!, into: y.baseAddress! + b * cout * positions)
                        }
                    }
                }
            }
        }
    }

    /// One image, in tiles of output rows (of columns for a pointwise convolution).
    private func tiled(_ x: UnsafePointer<Float>, height h: Int, width w: Int, pointwise: Bool,
                       weights: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        let (oh, ow) = outputSize(height: h, width: w)
        let cout = outChannels, positions = oh * ow, k = inChannels * kernel.0 * kernel.1
        let tileRows = max(1, Self.tileFloats / max(k * ow, 1))
        let bufferCount = pointwise ? 0 : k * ow * min(oh, tileRows)
        withUnsafeTemporaryAllocation(of: Float.self, capacity: max(bufferCount, 1)) { cols in
            var first = 0
            while first < positions {
                let columns: Int, source: UnsafePointer<Float>, ldb: Int
                if pointwise {
                    columns = min(positions - first, max(1024, Self.tileFloats / k))
                    (source, ldb) = (x + first, positions)
                } else {
                    let oy = first / ow, rows = oy ..< min(oh, oy + tileRows)
                    columns = rows.count * ow
                    Im2Col.unfold(x, channels: inChannels, height: h, width: w, kernel: kernel, stride: stride,
                                  padding: padding, outWidth: ow, rows: rows, into: cols.baseAddress!, ldc: columns, colOffset: 0)
                    (source, ldb) = (UnsafePointer(cols.baseAddress!), columns)
                }
                // [Cout, Cin*kh*kw] x [Cin*kh*kw, columns] -> [Cout, columns] of [Cout, positions]
                MatrixMultiply.gemm(m: cout, n: columns, k: k, weights, lda: k, source, ldb: ldb,
                                    beta: 0, y + first, ldc: positions)
                for c in 0..<cout {
                    let run = y + c * positions + first
                    BiasActivation.apply(run, run, count: columns, bias: bias?[c], activation: activation, channel: c)
                }
                first += columns
            }
        }
    }

    /// A 3x3 stride-1 convolution, unpadded or padded by 1 on every side, with
    /// output rows at least `DirectConv3x3.blockWidth` wide, by `DirectConv3x3`
    /// in tiles of output rows, with bias and activation over each tile while it
    /// is in cache. A padded input is first copied into a zero-bordered image.
    private func direct(_ x: Tensor) -> Tensor {
        let (n, cin, h, w) = x.nchw
        let (oh, ow) = outputSize(height: h, width: w)
        let pad = padding.top
        let (ph, pw) = (h + 2 * pad, w + 2 * pad)
        let cout = outChannels, positions = oh * ow
        let tileRows = max(1, Self.tileFloats / (cout * ow))
        return Tensor(shape: [n, cout, oh, ow]) { y in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: DirectConv3x3.packedCount(outChannels: cout, inChannels: cin)) { packed in
                weight.data.withUnsafeBufferPointer {
                    DirectConv3x3.pack($0.baseAddress!, outChannels: cout, inChannels: cin, into: packed.baseAddress!)
                }
                withUnsafeTemporaryAllocation(of: Float.self, capacity: pad > 0 ? cin * ph * pw : 1) { bordered in
                    if pad > 0 { bordered.initialize(repeating: 0) }
                    x.data.withUnsafeBufferPointer { xp in
                        for b in 0..<n {
                            var image = xp.baseAddress! + b * cin * h * w
                            if pad > 0 {
                                for c in 0..<cin {
                                    for row in 0..<h {
                                        (bordered.baseAddress! + (c * ph + row + pad) * pw + pad)
                                            .update(from: image + (c * h + row) * w, count: w)
                                    }
                                }
                                image = UnsafePointer(bordered.baseAddress!)
                            }
                            let out = y.baseAddress! + b * cout * positions
                            var oy = 0
                            while oy < oh {
                                let rows = oy ..< min(oh, oy + tileRows)
                                DirectConv3x3.run(image, inChannels: cin, height: ph, width: pw, packed: packed.baseAddress!,
                                                  outChannels: cout, rows: rows, into: out + oy * ow, channelStride: positions)
                                for c in 0..<cout {
                                    let run = out + c * positions + oy * ow
                                    BiasActivation.apply(run, run, count: rows.count * ow, bias: bias?[c], activation: activation, channel: c)
                                }
                                oy = rows.upperBound
                            }
                        }
                    }
                }
            }
        }
    }

    /// Small images, `perGEMM` at a time unfolded side by side into one GEMM.
    private func batched(_ x: UnsafePointer<Float>, n: Int, height h: Int, width w: Int, perGEMM: Int,
                         weights: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        let (oh, ow) = outputSize(height: h, width: w)
        let cin = inChannels, cout = outChannels, positions = oh * ow, k = cin * kernel.0 * kernel.1
        withUnsafeTemporaryAllocation(of: Float.self, capacity: k * positions * perGEMM) { cols in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: cout * positions * perGEMM) { scratch in
                var first = 0
                while first < n {
                    let count = min(perGEMM, n - first)
                    let columns = count * positions
                    for i in 0..<count {
                        Im2Col.unfold(x + (first + i) * cin * h * w, channels: cin, height: h, width: w,
                                      kernel: kernel, stride: stride, padding: padding, outWidth: ow, rows: 0..<oh,
                                      into: cols.baseAddress!, ldc: columns, colOffset: i * positions)
                    }
                    // [Cout, Cin*kh*kw] x [Cin*kh*kw, count*oh*ow] -> [Cout, count*oh*ow]
                    MatrixMultiply.gemm(m: cout, n: columns, k: k, weights, lda: k, cols.baseAddress!, ldb: columns,
                                        beta: 0, scratch.baseAddress!, ldc: columns)
                    // [Cout, count, oh*ow] -> [count, Cout, oh*ow], with bias and activation.
                    for i in 0..<count {
                        for c in 0..<cout {
                            BiasActivation.apply(scratch.baseAddress! + c * columns + i * positions,
                                                 y + ((first + i) * cout + c) * positions, count: positions,
                                                 bias: bias?[c], activation: activation, channel: c)
                        }
                    }
                    first += count
                }
            }
        }
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
