/// The 3x3, stride-1 depthwise convolution of one plane, the shape every
/// separable convolution in Mien's models uses.
///
/// The plane is copied once into a zero-bordered buffer laid out exactly as the
/// windows read it, so every output is its nine products summed with no bounds
/// checks, in a branch-free loop the compiler vectorises. Checked against
/// `DepthwiseConv2D.reference`.
enum DepthwiseKernel3x3 {
    /// Floats of scratch `run` needs for an output of `outHeight` x `outWidth`.
    static func scratchSize(outHeight oh: Int, outWidth ow: Int) -> Int { (oh + 2) * (ow + 2) }

    /// Writes the convolution of `src` [height, width] with `taps` [3, 3] plus `bias`
    /// into `dst` [outHeight, outWidth], for padding `top` and `left`, using `pad`
    /// (`scratchSize` floats) for the zero-bordered copy; with `relu`, negative sums are stored as 0.
    static func run(
        _ src: UnsafePointer<Float>, height h: Int, width w: Int, taps: UnsafePointer<Float>, bias: Float,
        top: Int, left: Int, into dst: UnsafeMutablePointer<Float>, outHeight oh: Int, outWidth ow: Int,
        scratch pad: UnsafeMutablePointer<Float>, relu: Bool = false
    ) {
        // Padded row r, column c holds input (r - top, c - left), zero outside the image.
        let pw = ow + 2, ph = oh + 2
        for r in 0..<ph {
            let row = pad + r * pw, iy = r - top
            guard iy >= 0 && iy < h else { row.update(repeating: 0, count: pw); continue }
            let first = max(0, left), last = min(pw, w + left)  // columns inside the image
            if first > 0 { row.update(repeating: 0, count: min(first, pw)) }
            if first < last { (row + first).update(from: src + iy * w + first - left, count: last - first) }
            if last < pw { (row + max(last, 0)).update(repeating: 0, count: pw - max(last, 0)) }
        }
        let (k0, k1, k2, k3, k4, k5, k6, k7, k8) = (taps[0], taps[1], taps[2], taps[3], taps[4], taps[5], taps[6], taps[7], taps[8])
        for oy in 0..<oh {
            let r0 = UnsafePointer(pad + oy * pw), r1 = r0 + pw, r2 = r1 + pw
            let out = dst + oy * ow
            // Branch-free, so the compiler vectorises it.
            for ox in 0..<ow {
                var s = bias + k0 * r0[ox] + k1 * r0[ox + 1] + k2 * r0[ox + 2]
                s += k3 * r1[ox] + k4 * r1[ox + 1] + k5 * r1[ox + 2]
                s += k6 * r2[ox] + k7 * r2[ox + 1] + k8 * r2[ox + 2]
                out[ox] = s
            }
            if relu {
                for ox in 0..<ow { out[ox] = max(out[ox], 0) }   // while the row is in L1
            }
        }
    }
}
