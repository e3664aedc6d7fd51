import Foundation

/// `1 / (1 + exp(-x))`.
public enum Sigmoid {
    static func apply(_ v: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { v[i] = 1 / (1 + expf(-v[i])) }
    }

    /// Plain reference, in double precision.
    public static func reference(_ x: Tensor) -> Tensor {
        Tensor(shape: x.shape, data: x.data.map { Float(1 / (1 + exp(-Double($0)))) })
    }
}
