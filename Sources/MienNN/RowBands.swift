/// Runs a chain of row-local layers (convolutions, pooling, activations) over
/// an NCHW tensor a horizontal band of output rows at a time, so that each
/// band's intermediate maps stay in cache instead of whole-image tensors
/// streaming through memory (YuNet's first layers on a 1080p frame make
/// 33 MB maps).
///
/// A band of output rows `[o0, o1)` runs the chain on input rows
/// `[(o0 - halo) * stride, (o1 + halo) * stride)` (clipped to the image) and
/// keeps the rows `[o0, o1)` of what comes out. The chain pads with zeros
/// where a band is cut, which spoils up to `halo` output rows next to each cut:
/// those are the ones thrown away. At the image's own top and bottom the
/// zero padding is the real one, so nothing is lost there.
///
/// Requirements on the chain: output row `i` depends only on input rows near
/// `i * stride` (every layer's stride divides `stride`, and the input height is
/// a multiple of `stride`), and a band starting at a multiple of `stride` gives
/// the rows a whole-image run gives, except within `halo` rows of a cut.
/// `RowBandsTests` checks a chain against its whole-image run.
public struct RowBands: Sendable {
    /// Input rows per output row.
    public var stride: Int
    /// Output rows spoiled next to a cut (the number of zero-padded 3x3 layers,
    /// counted in output rows, rounded up).
    public var halo: Int
    /// Output rows per band.
    public var bandRows: Int

    /// Creates a band plan.
    public init(stride: Int, halo: Int, bandRows: Int) {
        precondition(stride >= 1 && halo >= 0 && bandRows >= 1, "RowBands needs stride >= 1, halo >= 0, bandRows >= 1")
        self.stride = stride
        self.halo = halo
        self.bandRows = bandRows
    }

    /// `chain(x)` computed band by band. `x` is `[N, C, H, W]` with `H` a multiple of `stride`.
    public func run(_ x: Tensor, _ chain: (Tensor) -> Tensor) -> Tensor {
        let (_, _, h, _) = x.nchw
        if h / stride <= bandRows { return chain(x) }
        return run(height: h, rows: { Self.rows(x, $0) }, chain)
    }

    /// The same for an input that is never built whole: `rows(range)` gives input
    /// rows `range` (`[N, C, range.count, W]`) of an input `height` rows high, so
    /// only a band of it exists at a time (YuNet makes its float input from the
    /// frame's pixels a band at a time).
    public func run(height h: Int, rows: (Range<Int>) -> Tensor, _ chain: (Tensor) -> Tensor) -> Tensor {
        precondition(h % stride == 0, "RowBands: input height \(h) is not a multiple of the stride \(stride)")
        let outHeight = h / stride
        var output: Tensor?
        var first = 0
        while first < outHeight {
            let last = min(outHeight, first + bandRows)
            let start = max(0, first - halo) * stride, end = min(outHeight, last + halo) * stride
            let part = chain(rows(start..<end))
            let (pn, pc, ph, pw) = part.nchw
            precondition(ph == (end - start) / stride, "RowBands: the chain gave \(part.shape) for \(end - start) input rows")
            if output == nil { output = Tensor(shape: [pn, pc, outHeight, pw], initializingWith: { _ in }) }
            let skip = first - start / stride
            output!.data.withUnsafeMutableBufferPointer { out in
                part.data.withUnsafeBufferPointer { src in
                    for plane in 0..<(pn * pc) {
                        (out.baseAddress! + (plane * outHeight + first) * pw)
                            .update(from: src.baseAddress! + (plane * ph + skip) * pw, count: (last - first) * pw)
                    }
                }
            }
            first = last
        }
        return output!
    }

    /// Rows `range` of every plane of `x`.
    static func rows(_ x: Tensor, _ range: Range<Int>) -> Tensor {
        let (n, c, h, w) = x.nchw
        return Tensor(shape: [n, c, range.count, w]) { out in
            x.data.withUnsafeBufferPointer { src in
                for plane in 0..<(n * c) {
                    (out.baseAddress! + plane * range.count * w)
                        .update(from: src.baseAddress! + (plane * h + range.lowerBound) * w, count: range.count * w)
                }
            }
        }
    }
}
