/// The epilogue of a convolution or dense layer: `dst = activation(src + bias)`
/// for one channel's run of values, in one pass while the run is still in cache.
/// `src` and `dst` may be the same memory.
enum BiasActivation {
    /// Adds `bias` (unless nil) and applies `activation` (channel `channel`'s slope for PReLU).
    @inline(__always)
    static func apply(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, count: Int,
                      bias: Float?, activation: Activation?, channel: Int) {
        switch (bias, activation) {
        case (let b?, .prelu(let slopes)?):
            let s = slopes[channel]
            for j in 0..<count { let v = src[j] + b; dst[j] = v >= 0 ? v : s * v }
        case (nil, .prelu(let slopes)?):
            let s = slopes[channel]
            for j in 0..<count { let v = src[j]; dst[j] = v >= 0 ? v : s * v }
        case (let b?, .relu?):
            for j in 0..<count { dst[j] = max(src[j] + b, 0) }
        case (let b?, let other):
            for j in 0..<count { dst[j] = src[j] + b }
            other?.apply(dst, count: count, channels: 1, planeSize: count)
        case (nil, let other):
            if UnsafePointer(dst) != src { dst.update(from: src, count: count) }
            other?.apply(dst, count: count, channels: 1, planeSize: count)
        }
    }
}
