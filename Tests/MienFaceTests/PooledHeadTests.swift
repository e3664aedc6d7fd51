import MienNN
import MienTestSupport
import Testing

@testable import MienFace

@Suite("Pooled head equals convolution then global average pooling")
struct PooledHeadTests {
    /// Measured 2.6e-6 (see Tolerance.swift).
    static let tolerance: Float = 3e-5

    @Test(arguments: [(2, 128, 4, 4, 7), (1, 3, 1, 1, 2), (3, 5, 2, 7, 4), (1, 2, 9, 6, 3)])
    func fastEqualsReference(_ shape: (Int, Int, Int, Int, Int)) {
        var state: UInt64 = 3
        func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2001) / 1000 - 1
        }
        let (n, c, h, w, cout) = shape
        let conv = Conv2D(weight: Tensor(shape: [cout, c, 3, 3], data: (0..<(cout * c * 9)).map { _ in next() }),
                          bias: (0..<cout).map { _ in next() }, padding: .symmetric(1))
        let head = PooledHead(conv)
        let x = Tensor(shape: [n, c, h, w], data: (0..<(n * c * h * w)).map { _ in next() })
        expectClose(head(x), head.reference(x), within: Self.tolerance, "pooled head \(shape)")
    }
}
