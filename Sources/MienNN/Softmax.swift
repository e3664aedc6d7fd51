import Foundation

/// Softmax over dimension 1 of `[N, C, ...]` (for each batch item and position).
public enum Softmax {
    /// Fast path, with the maximum subtracted for stability.
    public static func apply(_ x: Tensor) -> Tensor {
        let n = x.shape[0], c = x.shape[1]
        let inner = x.count / max(n * c, 1)
        var y = x
        y.data.withUnsafeMutableBufferPointer { v in
            for b in 0..<n {
                for p in 0..<inner {
                    let base = b * c * inner + p
                    var top = -Float.infinity
                    for k in 0..<c { top = max(top, v[base + k * inner]) }
                    var sum: Float = 0
                    for k in 0..<c { let e = expf(v[base + k * inner] - top); v[base + k * inner] = e; sum += e }
                    for k in 0..<c { v[base + k * inner] /= sum }
                }
            }
        }
        return y
    }

    /// Plain reference in double precision.
    public static func reference(_ x: Tensor) -> Tensor {
        let n = x.shape[0], c = x.shape[1]
        let inner = x.count / max(n * c, 1)
        var y = x
        for b in 0..<n {
            for p in 0..<inner {
                let index = { (k: Int) in b * c * inner + k * inner + p }
                let total = (0..<c).reduce(0.0) { $0 + exp(Double(x.data[index($1)])) }
                for k in 0..<c { y.data[index(k)] = Float(exp(Double(x.data[index(k)])) / total) }
            }
        }
        return y
    }
}
