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
        if stride == (1, 1) && padding == .valid {
            unfoldValid(x, channels: channels, height: h, width: w, kernel: kernel, outWidth: outWidth, rows: rows,
                        into: cols, ldc: ldc, colOffset: colOffset)
            return
        }
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

    /// `unfold` for stride 1 without padding, where every window lies inside
    /// the image: each output row is a run of `outWidth` input floats. R-Net and
    /// O-Net crops have runs of 3 to 21 floats, too short for a `memmove` call
    /// to pay, so runs are copied eight floats at a time in line.
    private static func unfoldValid(
        _ x: UnsafePointer<Float>, channels: Int, height h: Int, width w: Int, kernel: (Int, Int),
        outWidth ow: Int, rows: Range<Int>, into cols: UnsafeMutablePointer<Float>, ldc: Int, colOffset: Int
    ) {
        let (kh, kw) = kernel
        for ci in 0..<channels {
            for ky in 0..<kh {
                for kx in 0..<kw {
                    let unfolded: Int = ((ci &* kh &+ ky) &* kw &+ kx) &* ldc &+ colOffset
                    let first: Int = (ci &* h &+ rows.lowerBound &+ ky) &* w &+ kx
                    var src = x + first, out = cols + unfolded
                    for _ in rows {
                        copy(src, to: out, count: ow)
                        src += w
                        out += ow
                    }
                }
            }
        }
    }

    /// Copies `count` floats: short runs eight at a time, long ones by `memmove`.
    @inline(__always)
    private static func copy(_ src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, count: Int) {
        guard count < 64 else { dst.update(from: src, count: count); return }
        var i = 0
        while i &+ 8 <= count {
            UnsafeMutableRawPointer(dst + i).storeBytes(of: UnsafeRawPointer(src + i).loadUnaligned(as: SIMD8<Float>.self),
                                                        as: SIMD8<Float>.self)
            i &+= 8
        }
        while i < count { dst[i] = src[i]; i &+= 1 }
    }
}
