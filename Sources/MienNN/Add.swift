/// Element-wise sum of two tensors of the same shape (residual connections).
public enum Add {
    /// Fast path: `a += b` in place on a copy of `a`.
    public static func apply(_ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(a.shape == b.shape, "cannot add shapes \(a.shape) and \(b.shape)")
        var y = a
        y.data.withUnsafeMutableBufferPointer { yp in
            b.data.withUnsafeBufferPointer { bp in for i in 0..<yp.count { yp[i] += bp[i] } }
        }
        return y
    }

    /// Plain reference.
    public static func reference(_ a: Tensor, _ b: Tensor) -> Tensor {
        Tensor(shape: a.shape, data: zip(a.data, b.data).map { $0 + $1 })
    }
}
