/// Zero (or, for pooling, ignored) border added around an image before a window op.
public struct Padding2D: Sendable, Hashable {
    public var top: Int, left: Int, bottom: Int, right: Int

    /// Explicit padding on each side.
    public init(top: Int, left: Int, bottom: Int, right: Int) {
        (self.top, self.left, self.bottom, self.right) = (top, left, bottom, right)
    }

    /// The same padding `p` on every side.
    public static func symmetric(_ p: Int) -> Padding2D { Padding2D(top: p, left: p, bottom: p, right: p) }

    /// No padding.
    public static let valid = Padding2D(top: 0, left: 0, bottom: 0, right: 0)

    /// TensorFlow's "same": output `ceil(in / stride)`, total padding
    /// `max((out - 1) * stride + kernel - in, 0)`, the smaller half before.
    public static func same(height: Int, width: Int, kernel: (Int, Int), stride: (Int, Int)) -> Padding2D {
        func split(_ size: Int, _ k: Int, _ s: Int) -> (Int, Int) {
            let out = (size + s - 1) / s
            let total = max((out - 1) * s + k - size, 0)
            return (total / 2, total - total / 2)
        }
        let (top, bottom) = split(height, kernel.0, stride.0)
        let (left, right) = split(width, kernel.1, stride.1)
        return Padding2D(top: top, left: left, bottom: bottom, right: right)
    }

    /// Output size of a window op: floor rounding, or ceil rounding as PyTorch's
    /// `ceil_mode=True` (where the last window must still start inside the input or left padding).
    static func outputSize(_ size: Int, kernel: Int, stride: Int, before: Int, after: Int, ceil: Bool = false) -> Int {
        let span = size + before + after - kernel
        guard span >= 0 else { return 0 }
        var out = (ceil ? (span + stride - 1) / stride : span / stride) + 1
        if ceil && (out - 1) * stride >= size + before { out -= 1 }
        return out
    }
}
