import MienNN

/// mini-Xception's head, a 3x3 "same" convolution with bias followed by global
/// average pooling, computed as one small matrix-vector product per image.
///
/// Both steps are linear, so the mean of the convolution over the output
/// positions is the convolution of the mean input window:
///
/// ```
/// mean_p (b[o] + sum_{c,ky,kx} W[o][c][ky][kx] * x[c][p + (ky-1, kx-1)])
///   = b[o] + sum_{c,ky,kx} W[o][c][ky][kx] * S[c][ky][kx] / (H * W)
/// S[c][ky][kx] = sum of x[c] over rows ky-1 ... ky-1+H-1 and columns kx-1 ... kx-1+W-1,
///                clipped to the image (the zero padding adds nothing)
/// ```
///
/// which is `[7, C*9] x [C*9] -> [7]` per image after summing nine rectangles
/// per channel, instead of a [7, 1152] x [1152, 16] product on an unfolded copy.
/// `reference` runs MienNN's convolution and pooling.
struct PooledHead: Sendable {
    /// The convolution (`[Cout, Cin, 3, 3]`, bias, padding 1).
    let conv: Conv2D

    init(_ conv: Conv2D) {
        precondition(conv.kernel == (3, 3) && conv.stride == (1, 1) && conv.padding == .symmetric(1) && conv.activation == nil,
                     "PooledHead takes a 3x3 stride-1 padding-1 convolution without activation")
        self.conv = conv
    }

    /// Multiply-adds per image of the convolution it replaces (the model's nominal count).
    func multiplyAdds(height h: Int, width w: Int) -> Int { conv.multiplyAdds(height: h, width: w) }

    /// `[N, C, H, W]` -> `[N, Cout]`, fast path.
    func callAsFunction(_ x: Tensor) -> Tensor {
        let (n, c, h, w) = x.nchw
        precondition(c == conv.inChannels, "head expects \(conv.inChannels) channels, got \(c) (input \(x.shape))")
        let cout = conv.outChannels, k = c * 9
        var windowSums = [Float](repeating: 0, count: n * k)  // [N, C*9]
        x.data.withUnsafeBufferPointer { xp in
            for plane in 0..<(n * c) {
                let src = xp.baseAddress! + plane * h * w
                for ky in 0..<3 {
                    let rows = max(0, ky - 1)..<min(h, ky - 1 + h)
                    for kx in 0..<3 {
                        let columns = max(0, kx - 1)..<min(w, kx - 1 + w)
                        var sum: Float = 0
                        for y in rows { for x in columns { sum += src[y * w + x] } }
                        windowSums[plane * 9 + ky * 3 + kx] = sum
                    }
                }
            }
        }
        let scale = 1 / Float(h * w)
        var y = Tensor(shape: [n, cout])
        for b in 0..<n {
            for o in 0..<cout {
                var total = 0.0  // double: 1,152 terms
                for i in 0..<k { total += Double(conv.weight.data[o * k + i] * windowSums[b * k + i]) }
                y.data[b * cout + o] = (conv.bias?[o] ?? 0) + Float(total) * scale
            }
        }
        return y
    }

    /// MienNN's convolution then global average pooling, for tests.
    func reference(_ x: Tensor) -> Tensor { GlobalAvgPool.reference(conv.reference(x)) }
}
