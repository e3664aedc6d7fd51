import MienNN

/// A 3x3, stride-1, unpadded ("valid") convolution with bias and optional ReLU,
/// as three matrix products on shifted rows instead of one on a full unfolded copy.
///
/// For an image `x` [Cin, H, W], output row `oy` reads input rows `oy + ky`. Work on
/// a grid of `(H - 2)` rows of the full width `W` (the last two columns of each grid
/// row are discarded), so that a grid position `p = oy * W + ox` reads input offset
/// `p + ky * W + kx`: for a fixed `ky` every operand is a contiguous run. Then
///
/// ```
/// B[(ci, kx)][q] = x[ci][q + kx]                           [Cin*3, H*W]  (3 shifted copies)
/// G = bias + sum over ky of A_ky x B[:, ky*W ..< ky*W + (H-2)*W]
///     A_ky[o][(ci, kx)] = weight[o][ci][ky][kx]            [Cout, Cin*3] x [Cin*3, (H-2)*W] -> [Cout, (H-2)*W]
/// y[o][oy][ox] = act(G[o][oy * W + ox]), ox < W - 2
/// ```
///
/// The unfolded copy is a third of the im2col one (and L2-sized for mini-Xception's
/// conv2_2: 24 x 3844 floats). `reference` is MienNN's convolution.
struct ShiftedRowsConv3x3: Sendable {
    /// The layer (`[Cout, Cin, 3, 3]`, bias, valid padding, stride 1).
    let conv: Conv2D
    /// `A_ky` for ky = 0, 1, 2, each `[Cout, Cin*3]`, concatenated.
    let slices: [Float]

    init(_ conv: Conv2D) {
        precondition(conv.kernel == (3, 3) && conv.stride == (1, 1) && conv.padding == .valid,
                     "ShiftedRowsConv3x3 takes 3x3 stride-1 valid convolutions")
        precondition(conv.activation == nil || conv.activation == .relu, "only ReLU is fused")
        self.conv = conv
        let (cout, cin) = (conv.outChannels, conv.inChannels)
        var slices = [Float](repeating: 0, count: 3 * cout * cin * 3)
        for ky in 0..<3 { for o in 0..<cout { for ci in 0..<cin { for kx in 0..<3 {
            slices[((ky * cout + o) * cin + ci) * 3 + kx] = conv.weight.data[((o * cin + ci) * 3 + ky) * 3 + kx]
        } } } }
        self.slices = slices
    }

    func multiplyAdds(height h: Int, width w: Int) -> Int { conv.multiplyAdds(height: h, width: w) }
    func outputSize(height h: Int, width w: Int) -> (Int, Int) { conv.outputSize(height: h, width: w) }

    /// The convolution, fast path: `x` [N, Cin, H, W] -> [N, Cout, H-2, W-2].
    func callAsFunction(_ x: Tensor) -> Tensor {
        let (n, cin, h, w) = x.nchw
        precondition(cin == conv.inChannels && h >= 3 && w >= 3, "convolution expects [N, \(conv.inChannels), >=3, >=3], got \(x.shape)")
        let cout = conv.outChannels, (oh, ow) = (h - 2, w - 2)
        let plane = h * w, gridColumns = oh * w, k = cin * 3
        var y = Tensor(shape: [n, cout, oh, ow])
        var shifted = [Float](repeating: 0, count: k * plane)  // B, [Cin*3, H*W]; the tails stay zero
        var grid = [Float](repeating: 0, count: cout * gridColumns)  // G, [Cout, (H-2)*W]
        let bias = conv.bias ?? [Float](repeating: 0, count: cout)
        slices.withUnsafeBufferPointer { ap in
            x.data.withUnsafeBufferPointer { xp in
                y.data.withUnsafeMutableBufferPointer { yp in
                    shifted.withUnsafeMutableBufferPointer { bp in
                        grid.withUnsafeMutableBufferPointer { gp in
                            for image in 0..<n {
                                let src = xp.baseAddress! + image * cin * plane
                                for ci in 0..<cin {
                                    for kx in 0..<3 {
                                        (bp.baseAddress! + (ci * 3 + kx) * plane).update(from: src + ci * plane + kx, count: plane - kx)
                                    }
                                }
                                for o in 0..<cout { (gp.baseAddress! + o * gridColumns).update(repeating: bias[o], count: gridColumns) }
                                for ky in 0..<3 {
                                    // [Cout, Cin*3] x [Cin*3, (H-2)*W] (row stride H*W, from column ky*W) -> [Cout, (H-2)*W]
                                    MatrixMultiply.gemm(m: cout, n: gridColumns, k: k, ap.baseAddress! + ky * cout * k, lda: k,
                                                        bp.baseAddress! + ky * w, ldb: plane, beta: 1, gp.baseAddress!, ldc: gridColumns)
                                }
                                let dst = yp.baseAddress! + image * cout * oh * ow
                                let relu = conv.activation == .relu
                                for o in 0..<cout {
                                    for oy in 0..<oh {
                                        let from = gp.baseAddress! + o * gridColumns + oy * w, to = dst + (o * oh + oy) * ow
                                        if relu { for ox in 0..<ow { to[ox] = max(from[ox], 0) } } else { to.update(from: from, count: ow) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return y
    }

    /// MienNN's convolution by its definition, for tests.
    func reference(_ x: Tensor) -> Tensor { conv.reference(x) }
}
