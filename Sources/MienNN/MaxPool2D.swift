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

    /// The pooling, fast path: window bounds are clipped once per output row and column.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let (n, c, h, w) = x.nchw
        let (oh, ow) = outputSize(height: h, width: w)
        var y = Tensor(shape: [n, c, oh, ow])
        x.data.withUnsafeBufferPointer { xp in
            y.data.withUnsafeMutableBufferPointer { yp in
                for plane in 0..<(n * c) {
                    let src = xp.baseAddress! + plane * h * w
                    let dst = yp.baseAddress! + plane * oh * ow
                    for oy in 0..<oh {
                        let y0 = max(0, oy * stride.0 - padding.top), y1 = min(h, oy * stride.0 - padding.top + kernel.0)
                        for ox in 0..<ow {
                            let x0 = max(0, ox * stride.1 - padding.left), x1 = min(w, ox * stride.1 - padding.left + kernel.1)
                            var best = -Float.infinity
                            for iy in y0..<max(y0, y1) {
                                let row = src + iy * w
                                for ix in x0..<max(x0, x1) { best = max(best, row[ix]) }
                            }
                            dst[oy * ow + ox] = best
                        }
                    }
                }
            }
        }
        return y
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
