import CMienFloat

/// Depthwise 2-D convolution (one filter per channel, multiplier 1) over NCHW
/// input, with optional bias and fused activation. Weights are `[C, 1, kh, kw]`.
///
/// The fast path accumulates one kernel tap at a time over whole output rows,
/// a loop the compiler vectorises; the reference follows the definition.
public struct DepthwiseConv2D: Sendable {
    /// `[C, 1, kh, kw]`.
    public var weight: Tensor
    /// `[C]`, or nil.
    public var bias: [Float]?
    public var stride: (Int, Int)
    public var padding: Padding2D
    public var activation: Activation?

    /// Creates a depthwise convolution.
    public init(weight: Tensor, bias: [Float]? = nil, stride: (Int, Int) = (1, 1), padding: Padding2D = .valid,
                activation: Activation? = nil) {
        precondition(weight.rank == 4 && weight.shape[1] == 1, "depthwise weight must be [C, 1, kh, kw], got \(weight.shape)")
        self.weight = weight
        self.bias = bias
        self.stride = stride
        self.padding = padding
        self.activation = activation
    }

    public var channels: Int { weight.shape[0] }
    public var kernel: (Int, Int) { (weight.shape[2], weight.shape[3]) }

    /// Output height and width for an input of `h` x `w`.
    public func outputSize(height h: Int, width w: Int) -> (Int, Int) {
        (Padding2D.outputSize(h, kernel: kernel.0, stride: stride.0, before: padding.top, after: padding.bottom),
         Padding2D.outputSize(w, kernel: kernel.1, stride: stride.1, before: padding.left, after: padding.right))
    }

    /// Multiply-adds for one image of `h` x `w`.
    public func multiplyAdds(height h: Int, width w: Int) -> Int {
        let (oh, ow) = outputSize(height: h, width: w)
        return oh * ow * channels * kernel.0 * kernel.1
    }

    /// The convolution, fast path.
    public func callAsFunction(_ x: Tensor) -> Tensor { self(x, path: .auto) }

    /// Whether the C kernel (`CMienFloat`) runs this convolution: 3x3, stride 1,
    /// zero padding 1 on every side ("same"), ReLU or no activation.
    var runsInC: Bool {
        kernel == (3, 3) && stride == (1, 1) && padding == .symmetric(1) && (activation == nil || activation == .relu)
    }

    /// The convolution, with `path` choosing the C kernel's code where it runs
    /// (tests compare the paths; `auto` is the fastest).
    public func callAsFunction(_ x: Tensor, path: FloatKernelPath) -> Tensor {
        let (n, c, h, w) = x.nchw
        precondition(c == channels, "depthwise convolution expects \(channels) channels, got \(c) (input \(x.shape))")
        if runsInC { return runC(x, path: path) }
        let (oh, ow) = outputSize(height: h, width: w)
        let (kh, kw) = kernel, (sh, sw) = stride
        var y = Tensor(shape: [n, c, oh, ow], initializingWith: { _ in })
        guard oh > 0 && ow > 0 else { return y }
        let fast3x3 = kh == 3 && kw == 3 && sh == 1 && sw == 1
        var scratch = [Float](repeating: 0, count: fast3x3 ? DepthwiseKernel3x3.scratchSize(outHeight: oh, outWidth: ow) : 0)
        scratch.withUnsafeMutableBufferPointer { scratchBuffer in
        let pad = scratchBuffer.baseAddress
        weight.data.withUnsafeBufferPointer { wp in
            x.data.withUnsafeBufferPointer { xp in
                y.data.withUnsafeMutableBufferPointer { yp in
                    for plane in 0..<(n * c) {
                        let ch = plane % c
                        let src = xp.baseAddress! + plane * h * w
                        let dst = yp.baseAddress! + plane * oh * ow
                        if fast3x3 {
                            DepthwiseKernel3x3.run(src, height: h, width: w, taps: wp.baseAddress! + ch * 9, bias: bias?[ch] ?? 0,
                                                   top: padding.top, left: padding.left, into: dst, outHeight: oh, outWidth: ow,
                                                   scratch: pad!, relu: activation == .relu)
                            continue
                        }
                        dst.update(repeating: bias?[ch] ?? 0, count: oh * ow)
                        for ky in 0..<kh {
                            for kx in 0..<kw {
                                let tap = wp[(ch * kh + ky) * kw + kx]
                                let firstOx = max(0, (padding.left - kx + sw - 1) / sw)
                                let lastOx = min(ow, (w + padding.left - kx + sw - 1) / sw)
                                guard firstOx < lastOx else { continue }
                                for oy in 0..<oh {
                                    let iy = oy * sh - padding.top + ky
                                    guard iy >= 0 && iy < h else { continue }
                                    let row = src + iy * w - padding.left + kx
                                    let out = dst + oy * ow
                                    if sw == 1 {
                                        for ox in firstOx..<lastOx { out[ox] += tap * row[ox] }
                                    } else {
                                        for ox in firstOx..<lastOx { out[ox] += tap * row[ox * sw] }
                                    }
                                }
                            }
                        }
                    }
                    // ReLU is fused into the 3x3 kernel's stores; any other activation is a pass of its own.
                    if !(fast3x3 && activation == .relu) {
                        activation?.apply(yp.baseAddress!, count: n * c * oh * ow, channels: c, planeSize: oh * ow)
                    }
                }
            }
        }
        }
        return y
    }

    /// The 3x3 "same" convolution through `mien_depthwise3x3_f32`, one image at a time.
    private func runC(_ x: Tensor, path: FloatKernelPath) -> Tensor {
        let (n, c, h, w) = x.nchw
        let bias = self.bias ?? [Float](repeating: 0, count: c)
        return Tensor(shape: [n, c, h, w]) { y in
            weight.data.withUnsafeBufferPointer { wp in
                bias.withUnsafeBufferPointer { bp in
                    x.data.withUnsafeBufferPointer { xp in
                        for b in 0..<n where h > 0 && w > 0 {
                            mien_depthwise3x3_f32(xp.baseAddress! + b * c * h * w, Int32(c), Int32(h), Int32(w), wp.baseAddress!,
                                                  bp.baseAddress!, y.baseAddress! + b * c * h * w, activation == .relu ? 1 : 0, path.c)
                        }
                    }
                }
            }
        }
    }

    /// The convolution by its definition, for tests.
    public func reference(_ x: Tensor) -> Tensor {
        let (n, c, h, w) = x.nchw
        let (oh, ow) = outputSize(height: h, width: w)
        let (kh, kw) = kernel
        var y = Tensor(shape: [n, c, oh, ow])
        for b in 0..<n {
            for ch in 0..<c {
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        var sum = bias?[ch] ?? 0
                        for ky in 0..<kh {
                            for kx in 0..<kw {
                                let iy = oy * stride.0 - padding.top + ky, ix = ox * stride.1 - padding.left + kx
                                guard iy >= 0 && iy < h && ix >= 0 && ix < w else { continue }
                                sum += weight.data[(ch * kh + ky) * kw + kx] * x.data[((b * c + ch) * h + iy) * w + ix]
                            }
                        }
                        y.data[((b * c + ch) * oh + oy) * ow + ox] = sum
                    }
                }
            }
        }
        return activation.map { $0(y) } ?? y
    }
}
