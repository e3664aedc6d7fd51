import MienNN

/// Depthwise 3x3 convolution, stride 1, one zero pixel of padding on every side
/// (TensorFlow "same" at stride 1), no bias: the depthwise half of every
/// separable convolution in mini-Xception.
///
/// MienNN's general `DepthwiseConv2D` makes nine passes over each output plane
/// (one per kernel tap), which costs most on mini-Xception's small planes (8x8
/// to 60x60). Here each plane is copied once into a zero-bordered buffer, and then
/// every output value is its nine products summed at once, in a branch-free loop
/// over the row that the compiler vectorises. `reference` is MienNN's definition.
/// (A candidate to move into MienNN as a fast path of `DepthwiseConv2D`.)
struct Depthwise3x3: Sendable {
    /// `[C * 9]`: channel c's taps `k[c][ky][kx]` at `c * 9 + ky * 3 + kx`.
    let taps: [Float]
    /// The same weights as a MienNN layer (`[C, 1, 3, 3]`, padding 1), for the reference and MAC counts.
    let layer: DepthwiseConv2D

    /// Wraps a 3x3, stride-1, padding-1, bias-free depthwise layer.
    init(_ layer: DepthwiseConv2D) {
        precondition(layer.kernel == (3, 3) && layer.stride == (1, 1) && layer.padding == .symmetric(1) && layer.bias == nil,
                     "Depthwise3x3 takes 3x3 stride-1 padding-1 layers without bias")
        self.layer = layer
        self.taps = layer.weight.data
    }

    var channels: Int { layer.channels }

    /// Multiply-adds per image of `h` x `w`.
    func multiplyAdds(height h: Int, width w: Int) -> Int { layer.multiplyAdds(height: h, width: w) }

    /// The convolution, fast path: `x` [N, C, H, W] -> [N, C, H, W].
    func callAsFunction(_ x: Tensor) -> Tensor {
        let (n, c, h, w) = x.nchw
        precondition(c == channels, "depthwise convolution expects \(channels) channels, got \(c) (input \(x.shape))")
        var y = Tensor(shape: [n, c, h, w])
        let pw = w + 2  // padded row length
        var padded = [Float](repeating: 0, count: (h + 2) * pw)  // borders stay zero
        taps.withUnsafeBufferPointer { kp in
            x.data.withUnsafeBufferPointer { xp in
                y.data.withUnsafeMutableBufferPointer { yp in
                    padded.withUnsafeMutableBufferPointer { pp in
                        let pad = pp.baseAddress!
                        for plane in 0..<(n * c) {
                            let src = xp.baseAddress! + plane * h * w
                            for row in 0..<h { (pad + (row + 1) * pw + 1).update(from: src + row * w, count: w) }
                            let k = kp.baseAddress! + (plane % c) * 9
                            let (k0, k1, k2, k3, k4, k5, k6, k7, k8) = (k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7], k[8])
                            let dst = yp.baseAddress! + plane * h * w
                            for oy in 0..<h {
                                // Output (oy, ox) reads padded rows oy ... oy + 2, columns ox ... ox + 2.
                                let r0 = UnsafePointer(pad + oy * pw), r1 = r0 + pw, r2 = r1 + pw
                                let out = dst + oy * w
                                for ox in 0..<w {
                                    var s = k0 * r0[ox] + k1 * r0[ox + 1] + k2 * r0[ox + 2]
                                    s += k3 * r1[ox] + k4 * r1[ox + 1] + k5 * r1[ox + 2]
                                    s += k6 * r2[ox] + k7 * r2[ox + 1] + k8 * r2[ox + 2]
                                    out[ox] = s
                                }
                            }
                        }
                    }
                }
            }
        }
        return y
    }

    /// MienNN's depthwise convolution by its definition, for tests.
    func reference(_ x: Tensor) -> Tensor { layer.reference(x) }
}
