import MienNN
import MienTestSupport
import Testing

@testable import MienFace

@Suite("3x3 depthwise fast path equals MienNN's definition")
struct Depthwise3x3Tests {
    /// Measured 4.8e-7 (see Tolerance.swift).
    static let tolerance: Float = 5e-6

    @Test(arguments: [(1, 8, 60, 60), (2, 3, 15, 15), (1, 4, 8, 8), (3, 2, 1, 1), (1, 1, 2, 7), (1, 2, 5, 1)])
    func fastEqualsReference(_ shape: (Int, Int, Int, Int)) {
        var state: UInt64 = 7
        func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2001) / 1000 - 1
        }
        let (n, c, h, w) = shape
        let weight = Tensor(shape: [c, 1, 3, 3], data: (0..<(c * 9)).map { _ in next() })
        let layer = Depthwise3x3(DepthwiseConv2D(weight: weight, padding: .symmetric(1)))
        let x = Tensor(shape: [n, c, h, w], data: (0..<(n * c * h * w)).map { _ in next() })
        expectClose(layer(x), layer.reference(x), within: Self.tolerance, "3x3 depthwise \(shape)")
    }
}
