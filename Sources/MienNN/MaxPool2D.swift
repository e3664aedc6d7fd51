/// Max pooling over NCHW input. Padded cells never win (they count as -infinity).
/// `ceilMode` rounds the output size up as PyTorch's `ceil_mode=True`, which MTCNN was trained with.
public struct MaxPool2D: Sendable {
    public var kernel: (Int, Int)
    public var stride: (Int, Int)
    public var padding: Padding2D
    public var ceilMode: Bool

    /// Creates a max pool; the stride defaults to the kernel.
    public init(kernel: (Int, Int), stride: (Int, Int)? = nil, padding: Padding2D = .valid, ceilMode: Bool = false) {
        self.kernel = kernel
        self.stride = stride ?? kernel
        self.padding = padding
        self.ceilMode = ceilMode
    }

    /// Output height and width for an input of `h` x `w`.
    public func outputSize(height h: Int, width w: Int) -> (Int, Int) {
        (Padding2D.outputSize(h, kernel: kernel.0, stride: stride.0, before: padding.top, after: padding.bottom, ceil: ceilMode),
         Padding2D.outputSize(w, kernel: kernel.1, stride: stride.1, before: padding.left, after: padding.right, ceil: ceilMode))
    }

    /// The pooling, fast path. Max is separable: a horizontal pass takes the
    /// max of each row segment (`kernel.1` wide) for every output column, then a
    /// vertical pass takes the max of `kernel.0` of those per output row. Window
    /// bounds are clipped once per output column and row, not per cell.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let (n, c, h, w) = x.nchw
        let (oh, ow) = outputSize(height: h, width: w)
        var y = Tensor(shape: [n, c, oh, ow])
        guard oh > 0 && ow > 0 else { return y }
        let columns = (0..<ow).map { ox in
            (max(0, ox * stride.1 - padding.left), min(w, ox * stride.1 - padding.left + kernel.1))
        }
        let rows = (0..<oh).map { oy in
            (max(0, oy * stride.0 - padding.top), min(h, oy * stride.0 - padding.top + kernel.0))
        }
        var rowMax = [Float](repeating: 0, count: h * ow)
        x.data.withUnsafeBufferPointer { xp in
            y.data.withUnsafeMutableBufferPointer { yp in
                rowMax.withUnsafeMutableBufferPointer { rp in
                    columns.withUnsafeBufferPointer { cols in
                        rows.withUnsafeBufferPointer { rws in
                            for plane in 0..<(n * c) {
                                pool(xp.baseAddress! + plane * h * w, h, w, cols, rws,
                                          rp.baseAddress!, yp.baseAddress! + plane * oh * ow, ow)
                            }
                        }
                    }
                }
            }
        }
        return y
    }

    /// One plane: horizontal maxima into `rowMax` [h, ow], then vertical maxima into `dst` [oh, ow].
    @inline(__always)
    private func pool(
        _ src: UnsafePointer<Float>, _ h: Int, _ w: Int, _ columns: UnsafeBufferPointer<(Int, Int)>,
        _ rows: UnsafeBufferPointer<(Int, Int)>, _ rowMax: UnsafeMutablePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ ow: Int
    ) {
        let (kernelWidth, strideWidth, padLeft) = (kernel.1, stride.1, padding.left)
        // Columns whose window lies wholly inside the row, for the unrolled 2- and 3-wide cases.
        for iy in 0..<h {
            let line = src + iy * w, out = rowMax + iy * ow
            var ox = 0
            if kernelWidth == 2 && strideWidth == 2 && padLeft == 0 {
                let inside = min(ow, w / 2)
                while ox + 8 <= inside {  // eight at a time: the even and odd halves of 16 inputs
                    let v = UnsafeRawPointer(line + 2 * ox).loadUnaligned(as: SIMD16<Float>.self)
                    var m = v.oddHalf
                    let e = v.evenHalf
                    m.replace(with: e, where: e .> m)  // as `a > b ? a : b` below
                    UnsafeMutableRawPointer(out + ox).storeBytes(of: m, as: SIMD8<Float>.self)
                    ox += 8
                }
                while ox < inside {
                    let a = line[2 * ox], b = line[2 * ox + 1]
                    out[ox] = a > b ? a : b
                    ox += 1
                }
            } else if kernelWidth == 3 && strideWidth == 2 {
                ox = min(ow, (padLeft + 1) / 2)
                clipped(line, columns, out, 0, ox)
                let inside = max(ox, min(ow, (w - 3 + padLeft) / 2 + 1))
                // Eight outputs at a time from 18 inputs: the even and odd
                // elements of two 16-float loads, two apart (in range while
                // input column 2 * ox - padLeft + 17 is inside the row).
                while ox + 8 <= inside && 2 * ox - padLeft + 18 <= w {
                    let p = UnsafeRawPointer(line + 2 * ox - padLeft)
                    let a = p.loadUnaligned(as: SIMD16<Float>.self), b = p.loadUnaligned(fromByteOffset: 8, as: SIMD16<Float>.self)
                    var m = a.evenHalf
                    let (o, e) = (a.oddHalf, b.evenHalf)
                    m.replace(with: o, where: o .> m)
                    m.replace(with: e, where: e .> m)
                    UnsafeMutableRawPointer(out + ox).storeBytes(of: m, as: SIMD8<Float>.self)
                    ox += 8
                }
                while ox < inside {
                    let p = line + 2 * ox - padLeft
                    var m = p[0]
                    m = p[1] > m ? p[1] : m
                    m = p[2] > m ? p[2] : m
                    out[ox] = m
                    ox += 1
                }
            }
            clipped(line, columns, out, ox, ow)
        }
        for oy in 0..<rows.count {
            let (y0, y1) = rows[oy]
            let out = dst + oy * ow
            guard y0 < y1 else { out.update(repeating: -Float.infinity, count: ow); continue }
            verticalMax(UnsafePointer(rowMax + y0 * ow), rows: y1 - y0, ow, out)
        }
    }

    /// `out[ox]` = the maximum of `rows` rows of `ow` values (`ow` apart) at
    /// `first`, taken in row order as `v > m ? v : m`: eight columns at a time
    /// in registers, the rest one by one.
    @inline(__always)
    private func verticalMax(_ first: UnsafePointer<Float>, rows: Int, _ ow: Int, _ out: UnsafeMutablePointer<Float>) {
        var ox = 0
        while ox + 8 <= ow {
            var m = UnsafeRawPointer(first + ox).loadUnaligned(as: SIMD8<Float>.self)
            for r in 1..<rows {
                let v = UnsafeRawPointer(first + r * ow + ox).loadUnaligned(as: SIMD8<Float>.self)
                m.replace(with: v, where: v .> m)
            }
            UnsafeMutableRawPointer(out + ox).storeBytes(of: m, as: SIMD8<Float>.self)
            ox += 8
        }
        while ox < ow {
            var m = first[ox]
            for r in 1..<rows { let v = first[r * ow + ox]; m = v > m ? v : m }
            out[ox] = m
            ox += 1
        }
    }

    /// Horizontal maxima of output columns `from ..< to`, each window clipped to the row.
    @inline(__always)
    private func clipped(
        _ line: UnsafePointer<Float>, _ columns: UnsafeBufferPointer<(Int, Int)>, _ out: UnsafeMutablePointer<Float>,
        _ from: Int, _ to: Int
    ) {
        var ox = from
        while ox < to {
            let (x0, x1) = columns[ox]
            var best = -Float.infinity
            var ix = x0
            while ix < x1 { let v = line[ix]; best = v > best ? v : best; ix += 1 }
            out[ox] = best
            ox += 1
        }
    }

    /// The pooling by its definition, for tests.
    public func reference(_ x: Tensor) -> Tensor {
        let (n, c, h, w) = x.nchw
        let (oh, ow) = outputSize(height: h, width: w)
        var y = Tensor(shape: [n, c, oh, ow])
        for p in 0..<(n * c) {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var best = -Float.infinity
                    for ky in 0..<kernel.0 {
                        for kx in 0..<kernel.1 {
                            let iy = oy * stride.0 - padding.top + ky, ix = ox * stride.1 - padding.left + kx
                            if iy >= 0 && iy < h && ix >= 0 && ix < w { best = max(best, x.data[(p * h + iy) * w + ix]) }
                        }
                    }
                    y.data[(p * oh + oy) * ow + ox] = best
                }
            }
        }
        return y
    }
}
