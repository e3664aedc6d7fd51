import MienNN

/// Converts Keras (TensorFlow, NHWC) weight layouts to MienNN's NCHW operator layouts at load.
enum KerasLayout {
    /// A convolution kernel `[kh, kw, in, out]` (HWIO) as `[out, in, kh, kw]` (OIHW):
    /// `w[o][i][y][x] = k[y][x][i][o]`. A 1x1 pointwise kernel `[1, 1, in, out]` is the same case.
    static func convolution(_ k: Tensor) -> Tensor {
        precondition(k.rank == 4, "Keras convolution kernels are [kh, kw, in, out], got \(k.shape)")
        let (kh, kw, cin, cout) = (k.shape[0], k.shape[1], k.shape[2], k.shape[3])
        var w = Tensor(shape: [cout, cin, kh, kw])
        for y in 0..<kh {
            for x in 0..<kw {
                for i in 0..<cin {
                    for o in 0..<cout {
                        w.data[((o * cin + i) * kh + y) * kw + x] = k.data[((y * kw + x) * cin + i) * cout + o]
                    }
                }
            }
        }
        return w
    }

    /// A depthwise kernel `[kh, kw, C, 1]` (depth multiplier 1) as `[C, 1, kh, kw]`:
    /// `w[c][0][y][x] = k[y][x][c][0]`.
    static func depthwise(_ k: Tensor) -> Tensor {
        precondition(k.rank == 4 && k.shape[3] == 1, "Keras depthwise kernels with multiplier 1 are [kh, kw, C, 1], got \(k.shape)")
        let (kh, kw, c) = (k.shape[0], k.shape[1], k.shape[2])
        var w = Tensor(shape: [c, 1, kh, kw])
        for y in 0..<kh {
            for x in 0..<kw {
                for ch in 0..<c { w.data[(ch * kh + y) * kw + x] = k.data[(y * kw + x) * c + ch] }
            }
        }
        return w
    }

    /// An NHWC activation `[N, H, W, C]` as NCHW `[N, C, H, W]` (for reference data written by Keras).
    static func nchw(fromNHWC t: Tensor) -> Tensor {
        precondition(t.rank == 4, "expected [N, H, W, C], got \(t.shape)")
        let (n, h, w, c) = (t.shape[0], t.shape[1], t.shape[2], t.shape[3])
        var out = Tensor(shape: [n, c, h, w])
        for b in 0..<n {
            for y in 0..<h {
                for x in 0..<w {
                    for ch in 0..<c { out.data[((b * c + ch) * h + y) * w + x] = t.data[((b * h + y) * w + x) * c + ch] }
                }
            }
        }
        return out
    }
}
