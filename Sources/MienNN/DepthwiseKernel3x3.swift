/// The 3x3, stride-1 depthwise convolution of one plane, the shape every
/// separable convolution in Mien's models uses.
///
/// Output columns whose nine inputs all lie inside the image are computed
/// eight at a time with SIMD registers holding the sums (nine loads and
/// multiply-adds per eight outputs, one store); the border columns and rows
/// fall back to checked scalar code. Checked against `DepthwiseConv2D.reference`.
enum DepthwiseKernel3x3 {
    /// Adds the convolution of `src` [height, width] with `taps` [3, 3] into `dst` [outHeight, outWidth]
    /// (which holds the bias), for padding `top` and `left`.
    static func run(
        _ src: UnsafePointer<Float>, height h: Int, width w: Int, taps: UnsafePointer<Float>,
        top: Int, left: Int, into dst: UnsafeMutablePointer<Float>, outHeight oh: Int, outWidth ow: Int
    ) {
        let t0 = SIMD8<Float>(repeating: taps[0]), t1 = SIMD8<Float>(repeating: taps[1]), t2 = SIMD8<Float>(repeating: taps[2])
        let t3 = SIMD8<Float>(repeating: taps[3]), t4 = SIMD8<Float>(repeating: taps[4]), t5 = SIMD8<Float>(repeating: taps[5])
        let t6 = SIMD8<Float>(repeating: taps[6]), t7 = SIMD8<Float>(repeating: taps[7]), t8 = SIMD8<Float>(repeating: taps[8])
        // Output column ox reads input columns ox - left ... ox - left + 2.
        let firstInner = min(ow, max(0, left))
        let lastInner = max(firstInner, min(ow, w - 2 + left))  // exclusive
        for oy in 0..<oh {
            let out = dst + oy * ow
            let iy0 = oy - top
            var ox = 0
            if iy0 >= 0 && iy0 + 2 < h {
                scalar(src, h, w, taps, iy0, left, out, 0, firstInner)
                let r0 = src + iy0 * w - left, r1 = r0 + w, r2 = r1 + w
                ox = firstInner
                while ox + 8 <= lastInner {
                    var acc = load(out + ox)
                    acc += t0 * load(r0 + ox)
                    acc += t1 * load(r0 + ox + 1)
                    acc += t2 * load(r0 + ox + 2)
                    acc += t3 * load(r1 + ox)
                    acc += t4 * load(r1 + ox + 1)
                    acc += t5 * load(r1 + ox + 2)
                    acc += t6 * load(r2 + ox)
                    acc += t7 * load(r2 + ox + 1)
                    acc += t8 * load(r2 + ox + 2)
                    UnsafeMutableRawPointer(out + ox).storeBytes(of: acc, as: SIMD8<Float>.self)
                    ox += 8
                }
            }
            scalar(src, h, w, taps, iy0, left, out, ox, ow)
        }
    }

    /// Output columns `from ..< to` of one row, with every input checked.
    @inline(__always)
    private static func scalar(
        _ src: UnsafePointer<Float>, _ h: Int, _ w: Int, _ taps: UnsafePointer<Float>, _ iy0: Int, _ left: Int,
        _ out: UnsafeMutablePointer<Float>, _ from: Int, _ to: Int
    ) {
        guard from < to else { return }
        for x in from..<to {
            var sum = out[x]
            for ky in 0..<3 {
                let iy = iy0 + ky
                guard iy >= 0 && iy < h else { continue }
                for kx in 0..<3 {
                    let ix = x - left + kx
                    if ix >= 0 && ix < w { sum += taps[ky * 3 + kx] * src[iy * w + ix] }
                }
            }
            out[x] = sum
        }
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    private static func load(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }
}
