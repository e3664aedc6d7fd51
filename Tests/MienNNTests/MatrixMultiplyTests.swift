import MienTestSupport
import Testing

@testable import MienNN

@Suite("OpenBLAS matrix product against the plain reference")
struct MatrixMultiplyTests {
    /// Per square root of the products each value sums: measured 2.6e-7 (see TestData.swift).
    static let perRootTerm: Float = 3e-6

    @Test(arguments: [(1, 1, 1), (2, 3, 4), (7, 5, 3), (17, 33, 9), (64, 1, 27), (1, 96, 45), (31, 31, 31)])
    func matchesReference(m: Int, n: Int, k: Int) {
        var seed: UInt32 = 12345
        func next() -> Float {
            seed = seed &* 1_664_525 &+ 1_013_904_223
            return Float(seed >> 8) / Float(1 << 24) * 2 - 1
        }
        let a = (0..<(m * k)).map { _ in next() }
        let b = (0..<(k * n)).map { _ in next() }
        let fast = MatrixMultiply.multiply(a, b, m: m, n: n, k: k)
        let slow = MatrixMultiply.reference(a, b, m: m, n: n, k: k)
        guard fast.count == m * n else { Issue.record("\(fast.count) values for a \(m)x\(n) product"); return }
        expectClose(Tensor(shape: [m, n], data: fast), Tensor(shape: [m, n], data: slow), terms: k, perRootTerm: Self.perRootTerm,
                    "\(m)x\(k) times \(k)x\(n)")
    }
}
