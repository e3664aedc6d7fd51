/// `max(x, 0)`.
public enum ReLU {
    @inline(__always)
    static func apply(_ v: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { v[i] = max(v[i], 0) }
    }

    /// Plain reference.
    public static func reference(_ x: Tensor) -> Tensor {
        Tensor(shape: x.shape, data: x.data.map { $0 > 0 ? $0 : 0 })
    }
}
