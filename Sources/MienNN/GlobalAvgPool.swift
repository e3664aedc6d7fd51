/// Mean over each channel's plane: `[N, C, H, W]` -> `[N, C]`.
public enum GlobalAvgPool {
    /// Fast path.
    public static func callAsFunction(_ x: Tensor) -> Tensor { apply(x) }

    /// Fast path.
    public static func apply(_ x: Tensor) -> Tensor {
        let (n, c, h, w) = x.nchw
        let plane = h * w
        var y = Tensor(shape: [n, c])
        x.data.withUnsafeBufferPointer { xp in
            for p in 0..<(n * c) {
                var sum: Float = 0
                let src = xp.baseAddress! + p * plane
                for i in 0..<plane { sum += src[i] }
                y.data[p] = sum / Float(plane)
            }
        }
        return y
    }

    /// Plain reference, in double precision.
    public static func reference(_ x: Tensor) -> Tensor {
        let (n, c, h, w) = x.nchw
        var y = Tensor(shape: [n, c])
        for p in 0..<(n * c) {
            var sum = 0.0
            for i in 0..<(h * w) { sum += Double(x.data[p * h * w + i]) }
            y.data[p] = Float(sum / Double(h * w))
        }
        return y
    }
}
