/// Unfolds one image's sliding windows into the columns of a matrix so that a
/// convolution becomes one matrix product.
enum Im2Col {
    /// Writes `cols[(ci * kh + ky) * kw + kx][colOffset + oy * outW + ox] = x[ci][oy*sh - top + ky][ox*sw - left + kx]`
    /// (zero outside the image) for one image `x` [cin, h, w], output rows `rows` only
    /// (`oy` counted from `rows.lowerBound` in `cols`). `ldc` is the row length of `cols`.
    static func unfold(
        _ x: UnsafePointer<Float>, channels: Int, height h: Int, width w: Int,
        kernel: (Int, Int), stride: (Int, Int), padding: Padding2D, outWidth: Int, rows: Range<Int>,
        into cols: UnsafeMutablePointer<Float>, ldc: Int, colOffset: Int
    ) {
        let (kh, kw) = kernel, (sh, sw) = stride
        for ci in 0..<channels {
            let plane = x + ci * h * w
            for ky in 0..<kh {
                for kx in 0..<kw {
                    let row = cols + ((ci * kh + ky) * kw + kx) * ldc + colOffset
                    // Output columns whose input column lies inside the image.
                    let firstOx = max(0, (padding.left - kx + sw - 1) / sw)
                    let lastOx = min(outWidth, (w + padding.left - kx + sw - 1) / sw)  // exclusive
                    for oy in rows {
                        let iy = oy * sh - padding.top + ky
                        let out = row + (oy - rows.lowerBound) * outWidth
                        guard iy >= 0 && iy < h && firstOx < lastOx else {
                            out.update(repeating: 0, count: outWidth)
                            continue
                        }
                        if firstOx > 0 { out.update(repeating: 0, count: firstOx) }
                        let src = plane + iy * w - padding.left + kx
                        if sw == 1 {
                            (out + firstOx).update(from: src + firstOx, count: lastOx - firstOx)
                        } else {
                            for ox in firstOx..<lastOx { out[ox] = src[ox * sw] }
                        }
                        if lastOx < outWidth { (out + lastOx).update(repeating: 0, count: outWidth - lastOx) }
                    }
                }
            }
        }
    }
}
