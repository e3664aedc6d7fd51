/// The 3x3, stride-1, unpadded convolution computed in place from the input,
/// for images whose output rows are at least `blockWidth` wide (the P-Net
/// pyramid levels).
///
/// Unfolding such an image for a GEMM copies it nine times per input channel,
/// and OpenBLAS copies the unfolded matrix once more into its panels; with 3
/// to 16 input channels and 10 to 32 outputs (P-Net) those copies cost about
/// as much as the products. Here each block of `channelBlock` output channels
/// and `blockWidth` output columns keeps its sums in registers while it walks
/// the input channels and the nine taps, reading the input rows where they
/// lie: per tap two vector loads and four broadcasts feed eight fused
/// multiply-adds. The tail of a row is a block shifted left to end at the
/// row's end (its overlap is computed twice, with equal values).
///
/// Sums are in a different order than the GEMM's (and fused), so results
/// agree with `Conv2D.reference` to float rounding. Checked against it in
/// `ConvolutionTests`.
enum DirectConv3x3 {
    /// Output channels per register block: 4, or 5 where that divides `cout`
    /// and 4 does not (P-Net conv1's 10 channels: two blocks of 5 instead of
    /// three of 4 with two channels computed for nothing).
    static func channelBlock(outChannels cout: Int) -> Int { cout % 4 != 0 && cout % 5 == 0 ? 5 : 4 }
    /// Output columns per register block (two 8-float vectors).
    static let blockWidth = 16

    /// Whether the direct path beats unfolding and a GEMM for rows `ow` wide:
    /// at least one block wide, and either few input channels (the GEMM's K of
    /// 27 for 3 channels is short) or at most 25% of the columns computed twice
    /// at row ends (O-Net conv2, 21 columns in two blocks, runs faster as a GEMM).
    static func pays(inChannels cin: Int, outWidth ow: Int) -> Bool {
        let computed = (ow + blockWidth - 1) / blockWidth * blockWidth
        return ow >= blockWidth && (cin < 8 || 4 * computed <= 5 * ow)
    }

    /// Floats `pack` writes for `cout` x `cin` weights.
    static func packedCount(outChannels cout: Int, inChannels cin: Int) -> Int {
        let channelBlock = channelBlock(outChannels: cout)
        return (cout + channelBlock - 1) / channelBlock * cin * 9 * channelBlock
    }

    /// Reorders weights `[cout, cin, 3, 3]` as `[cout / B (rounded up), cin, 9, B]`
    /// for `B = channelBlock(outChannels: cout)`, the channels of a block side by
    /// side per tap, zero past `cout`.
    static func pack(_ weights: UnsafePointer<Float>, outChannels cout: Int, inChannels cin: Int,
                     into packed: UnsafeMutablePointer<Float>) {
        let channelBlock = channelBlock(outChannels: cout)
        let blocks = (cout + channelBlock - 1) / channelBlock
        for b in 0..<blocks {
            for ci in 0..<cin {
                for t in 0..<9 {
                    for j in 0..<channelBlock {
                        let co = b * channelBlock + j
                        packed[((b * cin + ci) * 9 + t) * channelBlock + j] = co < cout ? weights[(co * cin + ci) * 9 + t] : 0
                    }
                }
            }
        }
    }

    /// Writes output rows `rows` of the convolution of `x` [cin, h, w] with the
    /// packed weights, without bias or activation, to `y`: row `oy` of channel
    /// `c` at `y + c * channelStride + (oy - rows.lowerBound) * (w - 2)`.
    /// Needs `w - 2 >= blockWidth`.
    static func run(_ x: UnsafePointer<Float>, inChannels cin: Int, height h: Int, width w: Int,
                    packed: UnsafePointer<Float>, outChannels cout: Int, rows: Range<Int>,
                    into y: UnsafeMutablePointer<Float>, channelStride outPlane: Int) {
        let ow = w - 2, plane = h * w
        precondition(ow >= blockWidth && rows.lowerBound >= 0 && rows.upperBound <= h - 2, "direct 3x3 convolution out of range")
        let channelBlock = channelBlock(outChannels: cout)
        let blocks = (cout + channelBlock - 1) / channelBlock
        for oy in rows {
            let outRow = y + (oy - rows.lowerBound) * ow
            for b in 0..<blocks {
                let weights = packed + b * cin * 9 * channelBlock
                let channels = min(channelBlock, cout - b * channelBlock)
                let out = outRow + b * channelBlock * outPlane
                var ox = 0
                while ox < ow {
                    let x0 = min(ox, ow - blockWidth)
                    if channelBlock == 5 {
                        block5(x + oy * w + x0, inChannels: cin, width: w, plane: plane, weights: weights,
                               into: out + x0, outPlane: outPlane, channels: channels)
                    } else {
                        block(x + oy * w + x0, inChannels: cin, width: w, plane: plane, weights: weights,
                              into: out + x0, outPlane: outPlane, channels: channels)
                    }
                    ox = x0 + blockWidth
                }
            }
        }
    }

    /// One block: `blockWidth` outputs of up to four channels (`channels` stored).
    @inline(__always)
    private static func block(_ src: UnsafePointer<Float>, inChannels cin: Int, width w: Int, plane: Int,
                              weights: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>,
                              outPlane: Int, channels: Int) {
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), b0 = SIMD8<Float>(), b1 = SIMD8<Float>()
        var c0 = SIMD8<Float>(), c1 = SIMD8<Float>(), d0 = SIMD8<Float>(), d1 = SIMD8<Float>()
        var wp = weights, channel = UnsafeRawPointer(src)
        for _ in 0..<cin {
            var row = channel
            for _ in 0..<3 {
                for kx in 0..<3 {
                    let v0 = row.loadUnaligned(fromByteOffset: 4 * kx, as: SIMD8<Float>.self)
                    let v1 = row.loadUnaligned(fromByteOffset: 4 * (kx + 8), as: SIMD8<Float>.self)
                    let w0 = SIMD8(repeating: wp[0]), w1 = SIMD8(repeating: wp[1])
                    let w2 = SIMD8(repeating: wp[2]), w3 = SIMD8(repeating: wp[3])
                    a0 = a0.addingProduct(v0, w0); a1 = a1.addingProduct(v1, w0)
                    b0 = b0.addingProduct(v0, w1); b1 = b1.addingProduct(v1, w1)
                    c0 = c0.addingProduct(v0, w2); c1 = c1.addingProduct(v1, w2)
                    d0 = d0.addingProduct(v0, w3); d1 = d1.addingProduct(v1, w3)
                    wp += 4
                }
                row += 4 * w
            }
            channel += 4 * plane
        }
        func store(_ v0: SIMD8<Float>, _ v1: SIMD8<Float>, _ j: Int) {
            let p = UnsafeMutableRawPointer(out + j * outPlane)
            p.storeBytes(of: v0, as: SIMD8<Float>.self)
            p.storeBytes(of: v1, toByteOffset: 32, as: SIMD8<Float>.self)
        }
        store(a0, a1, 0)
        if channels > 1 { store(b0, b1, 1) }
        if channels > 2 { store(c0, c1, 2) }
        if channels > 3 { store(d0, d1, 3) }
    }

    /// `block` for five channels (ten accumulators).
    @inline(__always)
    private static func block5(_ src: UnsafePointer<Float>, inChannels cin: Int, width w: Int, plane: Int,
                               weights: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>,
                               outPlane: Int, channels: Int) {
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), b0 = SIMD8<Float>(), b1 = SIMD8<Float>()
        var c0 = SIMD8<Float>(), c1 = SIMD8<Float>(), d0 = SIMD8<Float>(), d1 = SIMD8<Float>()
        var e0 = SIMD8<Float>(), e1 = SIMD8<Float>()
        var wp = weights, channel = UnsafeRawPointer(src)
        for _ in 0..<cin {
            var row = channel
            for _ in 0..<3 {
                for kx in 0..<3 {
                    let v0 = row.loadUnaligned(fromByteOffset: 4 * kx, as: SIMD8<Float>.self)
                    let v1 = row.loadUnaligned(fromByteOffset: 4 * (kx + 8), as: SIMD8<Float>.self)
                    let w0 = SIMD8(repeating: wp[0]), w1 = SIMD8(repeating: wp[1]), w2 = SIMD8(repeating: wp[2])
                    let w3 = SIMD8(repeating: wp[3]), w4 = SIMD8(repeating: wp[4])
                    a0 = a0.addingProduct(v0, w0); a1 = a1.addingProduct(v1, w0)
                    b0 = b0.addingProduct(v0, w1); b1 = b1.addingProduct(v1, w1)
                    c0 = c0.addingProduct(v0, w2); c1 = c1.addingProduct(v1, w2)
                    d0 = d0.addingProduct(v0, w3); d1 = d1.addingProduct(v1, w3)
                    e0 = e0.addingProduct(v0, w4); e1 = e1.addingProduct(v1, w4)
                    wp += 5
                }
                row += 4 * w
            }
            channel += 4 * plane
        }
        func store(_ v0: SIMD8<Float>, _ v1: SIMD8<Float>, _ j: Int) {
            let p = UnsafeMutableRawPointer(out + j * outPlane)
            p.storeBytes(of: v0, as: SIMD8<Float>.self)
            p.storeBytes(of: v1, toByteOffset: 32, as: SIMD8<Float>.self)
        }
        store(a0, a1, 0)
        if channels > 1 { store(b0, b1, 1) }
        if channels > 2 { store(c0, c1, 2) }
        if channels > 3 { store(d0, d1, 3) }
        if channels > 4 { store(e0, e1, 4) }
    }
}
