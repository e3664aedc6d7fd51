import MienNN

/// The end of a mini-Xception residual module in one pass: 3x3 stride-2 max-pool
/// with TensorFlow "same" padding over the main branch, plus the shortcut.
///
/// `out[n][c][oy][ox] = max over the 3x3 window at (2oy - top, 2ox - left) of main[n][c]
///                      + skip[n][c][oy][ox]`, padded cells never winning.
///
/// Fusing saves a pass over the pooled tensor; the pool itself takes, per output
/// row, the column maxima of its three input rows (a contiguous loop) and then the
/// maxima of three such values at stride 2, instead of nine clipped reads per output. `reference` is MienNN's `MaxPool2D` then `Add`.
enum PoolAdd {
    /// Fast path. `main` is [N, C, H, W]; `skip` is [N, C, ceil(H/2), ceil(W/2)].
    static func apply(_ main: Tensor, _ skip: Tensor) -> Tensor {
        let (n, c, h, w) = main.nchw
        let padding = Padding2D.same(height: h, width: w, kernel: (3, 3), stride: (2, 2))
        let (oh, ow) = ((h + 1) / 2, (w + 1) / 2)
        precondition(skip.shape == [n, c, oh, ow], "shortcut \(skip.shape) does not match the pooled main branch [\(n), \(c), \(oh), \(ow)]")
        var out = skip
        // Output columns whose 3 taps all lie inside the row: 2ox - left >= 0 and 2ox - left + 2 <= w - 1.
        let firstFull = min(ow, (padding.left + 1) / 2)
        let span = w - 3 + padding.left  // last full window starts at 2ox - left <= w - 3
        let lastFull = span < 0 ? firstFull : max(firstFull, min(ow, span / 2 + 1))  // exclusive
        var column = [Float](repeating: 0, count: w)
        main.data.withUnsafeBufferPointer { mp in
            out.data.withUnsafeMutableBufferPointer { op in
                column.withUnsafeMutableBufferPointer { cp in
                    let v = cp.baseAddress!
                    for plane in 0..<(n * c) {
                        let src = mp.baseAddress! + plane * h * w
                        let dst = op.baseAddress! + plane * oh * ow
                        for oy in 0..<oh {
                            // Vertical maxima of the window's rows (contiguous, vectorised) ...
                            let y0 = max(0, 2 * oy - padding.top), y1 = min(h - 1, 2 * oy - padding.top + 2)
                            let a = src + y0 * w
                            if y1 - y0 == 2 {
                                let b = a + w, d = a + 2 * w
                                for x in 0..<w { v[x] = max(a[x], max(b[x], d[x])) }
                            } else if y1 - y0 == 1 {
                                let b = a + w
                                for x in 0..<w { v[x] = max(a[x], b[x]) }
                            } else {
                                v.update(from: a, count: w)
                            }
                            // ... then the horizontal maxima of 3 at stride 2, plus the shortcut.
                            let target = dst + oy * ow
                            for ox in 0..<firstFull { target[ox] += clippedMax(v, from: 2 * ox - padding.left, width: w) }
                            for ox in firstFull..<lastFull {
                                let x = 2 * ox - padding.left
                                target[ox] += max(v[x], max(v[x + 1], v[x + 2]))
                            }
                            for ox in lastFull..<ow { target[ox] += clippedMax(v, from: 2 * ox - padding.left, width: w) }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Maximum of `line[x ..< x + 3]` clipped to `0 ..< width`.
    @inline(__always)
    private static func clippedMax(_ line: UnsafePointer<Float>, from x: Int, width: Int) -> Float {
        var best = -Float.infinity
        for i in max(0, x)..<min(width, x + 3) { best = max(best, line[i]) }
        return best
    }

    /// MienNN's max-pool and add, for tests.
    static func reference(_ main: Tensor, _ skip: Tensor) -> Tensor {
        let (_, _, h, w) = main.nchw
        let pool = MaxPool2D(kernel: (3, 3), stride: (2, 2), padding: .same(height: h, width: w, kernel: (3, 3), stride: (2, 2)))
        return Add.reference(pool.reference(main), skip)
    }
}
