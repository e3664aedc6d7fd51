import MienNN
import MienTestSupport
import Testing

@testable import MienFace

@Suite("Shifted-rows 3x3 convolution equals MienNN's definition")
struct ShiftedRowsConv3x3Tests {
    /// Measured 4.8e-6 (see Tolerance.swift).
    static let tolerance: Float = 5e-5

    @Test(arguments: [(1, 8, 8, 62, 62, true), (2, 3, 5, 7, 9, false), (1, 1, 2, 3, 3, true), (3, 4, 1, 5, 4, false)])
    func fastEqualsReference(_ shape: (Int, Int, Int, Int, Int, Bool)) {
        var state: UInt64 = 11
        func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2001) / 1000 - 1
        }
        let (n, cin, cout, h, w, relu) = shape
        let conv = Conv2D(weight: Tensor(shape: [cout, cin, 3, 3], data: (0..<(cout * cin * 9)).map { _ in next() }),
                          bias: (0..<cout).map { _ in next() }, activation: relu ? .relu : nil)
        let layer = ShiftedRowsConv3x3(conv)
        let x = Tensor(shape: [n, cin, h, w], data: (0..<(n * cin * h * w)).map { _ in next() })
        expectClose(layer(x), layer.reference(x), within: Self.tolerance, "shifted-rows 3x3 \(shape)")
    }
}
