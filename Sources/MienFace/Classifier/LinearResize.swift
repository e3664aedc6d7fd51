import MienMedia

/// Resizes 8-bit gray images bit-exactly as OpenCV's `cv2.resize(image, (w, h))`
/// with its default `INTER_LINEAR` (OpenCV 4.x, the `fer` package's preprocessing).
///
/// OpenCV's 8-bit bilinear resize is fixed-point, and its rounding is part of
/// what the classifier was trained and evaluated on, so it is reproduced here:
///
/// * Sample positions use half-pixel centres: `f = float((d + 0.5) * scale - 0.5)`
///   with `scale = 1 / (dst / src)` in double precision, `s = floor(f)`, `f -= s`.
///   Horizontally a position left of pixel 0 or right of the last pixel is
///   clamped (`s` clamped, `f = 0`); vertically only the row indices are clamped.
/// * Each pair of weights is `(round(float(1 - f) * 2048), round(f * 2048))`,
///   rounded half to even and each on its own (they may sum to 2047 or 2049).
/// * The horizontal pass is exact: `H = S[s] * w0 + S[s + 1] * w1` (scale 2048).
/// * The vertical pass is OpenCV's SIMD formula, which its scalar tail copies:
///   `((H0 >> 4) * b0 >> 16) + ((H1 >> 4) * b1 >> 16)`, then `(v + 2) >> 2`.
///
/// An exact 2x reduction, which OpenCV hands to its area resize, gives the same
/// result through these formulas (`(a + b + c + d + 2) >> 2`), and an unchanged
/// size gives the image back. `reference(_:width:height:)` computes every output
/// pixel on its own from the definition; tests hold the two together, and the
/// reference file's `input[0:7]` was made by `cv2.resize` itself.
public enum LinearResize {
    /// OpenCV's `INTER_RESIZE_COEF_SCALE`: weights are fixed point with 11 fraction bits.
    static let weightScale: Float = 2048

    /// Source index and fixed-point weights of output position `d` along one axis.
    /// `clampFraction` selects the horizontal rule (position clamped to the image, `f = 0` there).
    @inline(__always)
    static func tap(_ d: Int, source: Int, destination: Int, clampFraction: Bool) -> (index: Int, w0: Int32, w1: Int32) {
        let scale = 1.0 / (Double(destination) / Double(source))
        var f = Float((Double(d) + 0.5) * scale - 0.5)
        var s = Int(f.rounded(.down))
        f -= Float(s)
        if clampFraction {
            if s < 0 { (s, f) = (0, 0) }
            if s >= source - 1 { (s, f) = (source - 1, 0) }
        }
        let w0 = Int32(((1 - f) * weightScale).rounded(.toNearestOrEven))
        let w1 = Int32((f * weightScale).rounded(.toNearestOrEven))
        return (s, w0, w1)
    }

    /// The vertical blend of two horizontally resized values `h0`, `h1` (scale 2048) with weights `b0`, `b1`.
    @inline(__always)
    static func blend(_ h0: Int32, _ h1: Int32, _ b0: Int32, _ b1: Int32) -> UInt8 {
        let v = (((h0 >> 4) &* b0) >> 16) &+ (((h1 >> 4) &* b1) >> 16)
        return UInt8(clamping: (v &+ 2) >> 2)
    }

    /// `image` (gray) resized to `width` x `height`, fast path: weight tables per
    /// axis, each needed source row resized horizontally once.
    public static func resize(_ image: PixelImage, width: Int, height: Int) -> PixelImage {
        precondition(image.layout == .gray, "LinearResize takes gray images, got \(image.layout)")
        precondition(width > 0 && height > 0 && image.width > 0 && image.height > 0, "empty image or size")
        if image.width == width && image.height == height { return image }
        var out = [UInt8](repeating: 0, count: width * height)
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                resize(src.baseAddress!, width: image.width, height: image.height,
                       into: dst.baseAddress!, width: width, height: height)
            }
        }
        return PixelImage(width: width, height: height, layout: .gray, pixels: out)
    }

    /// Resizes the `sw` x `sh` gray pixels at `src` into `dw` x `dh` pixels at `dst` (both tightly packed).
    public static func resize(_ src: UnsafePointer<UInt8>, width sw: Int, height sh: Int,
                              into dst: UnsafeMutablePointer<UInt8>, width dw: Int, height dh: Int) {
        // Horizontal table: per output column, first source column and its two weights.
        var xIndex = [Int](repeating: 0, count: dw), xWeights = [Int32](repeating: 0, count: 2 * dw)
        for dx in 0..<dw {
            let t = tap(dx, source: sw, destination: dw, clampFraction: true)
            xIndex[dx] = t.index
            // At the right edge OpenCV reads only one pixel (weight 2048); w1 is 0 there.
            (xWeights[2 * dx], xWeights[2 * dx + 1]) = t.index + 1 < sw ? (t.w0, t.w1) : (2048, 0)
        }
        // Horizontally resized source rows, [sh, dw], made when first needed.
        var rows = [Int32](repeating: 0, count: sh * dw)
        var made = [Bool](repeating: false, count: sh)
        rows.withUnsafeMutableBufferPointer { rp in
            xIndex.withUnsafeBufferPointer { xi in
                xWeights.withUnsafeBufferPointer { xw in
                    func row(_ r: Int) -> UnsafeMutablePointer<Int32> {
                        let target = rp.baseAddress! + r * dw
                        if !made[r] {
                            made[r] = true
                            let line = src + r * sw
                            for dx in 0..<dw {
                                let s = xi[dx]
                                let next = Int32(line[min(s + 1, sw - 1)])
                                target[dx] = Int32(line[s]) &* xw[2 * dx] &+ next &* xw[2 * dx + 1]
                            }
                        }
                        return target
                    }
                    for dy in 0..<dh {
                        let t = tap(dy, source: sh, destination: dh, clampFraction: false)
                        let r0 = min(max(t.index, 0), sh - 1), r1 = min(max(t.index + 1, 0), sh - 1)
                        let h0 = row(r0), h1 = row(r1)
                        let out = dst + dy * dw
                        for dx in 0..<dw { out[dx] = blend(h0[dx], h1[dx], t.w0, t.w1) }
                    }
                }
            }
        }
    }
}
