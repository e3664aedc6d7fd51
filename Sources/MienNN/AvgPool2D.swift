/// Average pooling over NCHW input; padded cells are left out of the average.
public struct AvgPool2D: Sendable {
    public var kernel: (Int, Int)
    public var stride: (Int, Int)
    public var padding: Padding2D

    /// Creates an average pool; the stride defaults to the kernel.
    public init(kernel: (Int, Int), stride: (Int, Int)? = nil, padding: Padding2D = .valid) {
        self.kernel = kernel
        self.stride = stride ?? kernel
        self.padding = padding
    }

    /// Output height and width for an input of `h` x `w`.
    public func outputSize(height h: Int, width w: Int) -> (Int, Int) {
        (Padding2D.outputSize(h, kernel: kernel.0, stride: stride.0, before: padding.top, after: padding.bottom),
         Padding2D.outputSize(w, kernel: kernel.1, stride: stride.1, before: padding.left, after: padding.right))
    }

    /// The pooling, fast path.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let (n, c, h, w) = x.nchw
        let (oh, ow) = outputSize(height: h, width: w)
        var y = Tensor(shape: [n, c, oh, ow])
        x.data.withUnsafeBufferPointer { xp in
            y.data.withUnsafeMutableBufferPointer { yp in
                for plane in 0..<(n * c) {
                    let src = xp.baseAddress! + plane * h * w
                    for oy in 0..<oh {
                        let y0 = max(0, oy * stride.0 - padding.top), y1 = min(h, oy * stride.0 - padding.top + kernel.0)
                        for ox in 0..<ow {
                            let x0 = max(0, ox * stride.1 - padding.left), x1 = min(w, ox * stride.1 - padding.left + kernel.1)
                            var sum: Float = 0
                            for iy in y0..<max(y0, y1) { for ix in x0..<max(x0, x1) { sum += src[iy * w + ix] } }
                            let cells = max(0, y1 - y0) * max(0, x1 - x0)
                            yp[(plane * oh + oy) * ow + ox] = cells > 0 ? sum / Float(cells) : 0
                        }
                    }
                }
            }
        }
        return y
    }

    /// The pooling by its definition, in double precision, for tests.
    public func reference(_ x: Tensor) -> Tensor {
        let (n, c, h, w) = x.nchw
        let (oh, ow) = outputSize(height: h, width: w)
        var y = Tensor(shape: [n, c, oh, ow])
        for p in 0..<(n * c) {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var sum = 0.0, cells = 0
                    for ky in 0..<kernel.0 {
                        for kx in 0..<kernel.1 {
                            let iy = oy * stride.0 - padding.top + ky, ix = ox * stride.1 - padding.left + kx
                            if iy >= 0 && iy < h && ix >= 0 && ix < w { sum += Double(x.data[(p * h + iy) * w + ix]); cells += 1 }
                        }
                    }
                    y.data[(p * oh + oy) * ow + ox] = cells > 0 ? Float(sum / Double(cells)) : 0
                }
            }
        }
        return y
    }
}
