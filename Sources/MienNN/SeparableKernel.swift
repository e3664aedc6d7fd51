import CMienFloat

/// A 1x1 convolution followed by a 3x3 "same" depthwise convolution, run as one
/// pass (`mien_separable_f32`): the pointwise result is made a row at a time
/// into three rows of scratch per channel and consumed by the depthwise rows at
/// once, so the intermediate map (4 MB and more at 1080p) never goes to memory.
/// The same bits as `PointwiseConv` followed by `DepthwiseConv2D` on the same
/// kernel path (`SeparableKernelTests`).
public struct SeparableKernel: Sendable {
    public let pointwise: PointwiseConv
    public let depthwise: DepthwiseConv2D

    /// Whether the pair can run fused: no ReLU between them, and a depthwise
    /// convolution the C kernel runs, over the pointwise output's channels.
    public static func canFuse(_ pointwise: PointwiseConv, _ depthwise: DepthwiseConv2D) -> Bool {
        !pointwise.relu && depthwise.runsInC && depthwise.channels == pointwise.outChannels
    }

    /// The fused pair. - Precondition: `canFuse(pointwise, depthwise)`.
    public init(pointwise: PointwiseConv, depthwise: DepthwiseConv2D) {
        precondition(Self.canFuse(pointwise, depthwise), "SeparableKernel: pointwise without ReLU, then a 3x3 same depthwise")
        self.pointwise = pointwise
        self.depthwise = depthwise
        pinned = (PinnedFloats(pointwise.weight.data), PinnedFloats(pointwise.bias), PinnedFloats(depthwise.weight.data),
                  PinnedFloats(depthwise.bias ?? [Float](repeating: 0, count: depthwise.channels)))
    }

    /// Pointwise weights and bias, depthwise taps and bias (zeros without one), for the C kernels.
    let pinned: (pwWeight: PinnedFloats, pwBias: PinnedFloats, dwTaps: PinnedFloats, dwBias: PinnedFloats)

    /// Both convolutions on `x` `[n, Cin, h, w]`.
    public func callAsFunction(_ x: Tensor, path: FloatKernelPath = .auto) -> Tensor {
        let (n, c, h, w) = x.nchw
        precondition(c == pointwise.inChannels, "separable unit expects \(pointwise.inChannels) channels, got \(c) (input \(x.shape))")
        let m = pointwise.outChannels
        var scratch = [Float](repeating: 0, count: Int(mien_separable_scratch_floats(Int32(m), Int32(w))))
        return Tensor(shape: [n, m, h, w]) { y in
            guard h > 0 && w > 0 else { return }
            scratch.withUnsafeMutableBufferPointer { sp in
                x.data.withUnsafeBufferPointer { xp in
                    for b in 0..<n {
                        mien_separable_f32(pinned.pwWeight.pointer, pinned.pwBias.pointer, Int32(c), Int32(m), pinned.dwTaps.pointer,
                                           pinned.dwBias.pointer, depthwise.activation == .relu ? 1 : 0,
                                           xp.baseAddress! + b * c * h * w, Int32(h), Int32(w),
                                           y.baseAddress! + b * m * h * w, sp.baseAddress!, path.c)
                    }
                }
            }
        }
    }
}
