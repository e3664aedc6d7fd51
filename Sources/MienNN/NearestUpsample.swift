/// Nearest-neighbour upsampling by 2 in both directions over NCHW input, and
/// the feature-pyramid step that adds it to a finer map (YuNet's neck:
/// `fine + upsample2x(coarse)`).
///
/// The fast path adds each coarse row to two fine rows, duplicating each value
/// across two columns, without building the upsampled tensor; the reference
/// builds it and adds by definition.
public enum NearestUpsample {
    /// `coarse` `[N, C, h, w]` upsampled to `[N, C, 2h, 2w]`: output `(y, x)` takes input `(y / 2, x / 2)`.
    public static func upsample2x(_ coarse: Tensor) -> Tensor {
        let (n, c, h, w) = coarse.nchw
        var y = Tensor(shape: [n, c, 2 * h, 2 * w])
        for plane in 0..<(n * c) {
            for oy in 0..<(2 * h) {
                for ox in 0..<(2 * w) {
                    y.data[(plane * 2 * h + oy) * 2 * w + ox] = coarse.data[(plane * h + oy / 2) * w + ox / 2]
                }
            }
        }
        return y
    }

    /// `fine + upsample2x(coarse)`, fast path. `fine` is `[N, C, H, W]` and
    /// `coarse` `[N, C, ceil(H / 2), ceil(W / 2)]` (an odd `H` or `W` drops the
    /// upsampled map's last row or column, as a pyramid over an odd size does).
    /// `fine` is consumed: given its last reference (`consume x`), the sum is
    /// made in its storage instead of a copy.
    public static func addUpsampled2x(_ coarse: Tensor, to fine: consuming Tensor) -> Tensor {
        let (n, c, h, w) = fine.nchw
        let (cn, cc, ch, cw) = coarse.nchw
        precondition(cn == n && cc == c && ch == (h + 1) / 2 && cw == (w + 1) / 2,
                     "cannot add a 2x upsampled \(coarse.shape) to \(fine.shape)")
        var y = fine
        y.data.withUnsafeMutableBufferPointer { yp in
            coarse.data.withUnsafeBufferPointer { cp in
                for plane in 0..<(n * c) {
                    for oy in 0..<h {
                        let src = cp.baseAddress! + (plane * ch + oy / 2) * cw
                        let dst = yp.baseAddress! + (plane * h + oy) * w
                        let pairs = w / 2
                        for x in 0..<pairs {
                            let v = src[x]
                            dst[2 &* x] += v
                            dst[2 &* x &+ 1] += v
                        }
                        if w % 2 == 1 { dst[w - 1] += src[pairs] }
                    }
                }
            }
        }
        return y
    }

    /// `addUpsampled2x` by its definition, for tests: upsample, crop to the fine size, add.
    public static func addUpsampled2xReference(_ coarse: Tensor, to fine: Tensor) -> Tensor {
        let up = upsample2x(coarse)
        let (n, c, h, w) = fine.nchw
        let (uh, uw) = (up.shape[2], up.shape[3])
        var y = fine
        for plane in 0..<(n * c) {
            for oy in 0..<h {
                for ox in 0..<w {
                    y.data[(plane * h + oy) * w + ox] += up.data[(plane * uh + oy) * uw + ox]
                }
            }
        }
        return y
    }
}
