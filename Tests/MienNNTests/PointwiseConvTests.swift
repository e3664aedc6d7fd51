import MienTestSupport
import Testing

@testable import MienNN

@Suite("Pointwise convolution: register-blocked fast path against the definition")
struct PointwiseConvTests {
    // Tolerances: about 10x the largest error measured (see TestData.swift).
    /// The register-blocked path against the definition: measured 1.9e-6.
    static let tolerance: Float = 2e-5
    /// A strided 3x3 convolution unfolded into a pointwise one: measured 9.5e-7.
    static let unfoldedTolerance: Float = 1e-5
    /// Against Conv2D's pointwise GEMM: measured 9.5e-7.
    static let gemmTolerance: Float = 1e-5

    @Test(arguments: [(16, 16, 8, 8, false), (32, 64, 5, 7, true), (64, 1, 4, 16, false), (64, 16, 3, 33, true),
                      (27, 6, 2, 3, false), (64, 10, 16, 16, true), (3, 5, 1, 1, false)])
    func fastEqualsReference(cin: Int, cout: Int, h: Int, w: Int, relu: Bool) {
        var data = TestData(seed: UInt64(cin * 100 + cout))
        let conv = PointwiseConv(weight: data.tensor([cout, cin]), bias: data.tensor([cout]).data, relu: relu)
        let x = data.tensor([2, cin, h, w])
        let fast = conv(x), slow = conv.reference(x)
        #expect(fast.shape == [2, cout, h, w])
        expectClose(fast, slow, within: Self.tolerance, "pointwise \(cin) -> \(cout), \(h)x\(w), ReLU \(relu)")
        if relu { #expect(fast.data.allSatisfy { $0 >= 0 }) }
    }

    @Test(arguments: [(32, 40), (7, 9), (64, 16)])
    func unfoldedStridedConvolutionEqualsConv2D(h: Int, w: Int) {
        var data = TestData(seed: UInt64(h * w))
        let conv = Conv2D(weight: data.tensor([16, 3, 3, 3]), bias: data.tensor([16]).data, stride: (2, 2),
                          padding: .symmetric(1), activation: .relu)
        let x = data.tensor([1, 3, h, w])
        let got = PointwiseConv(unfolding: conv).unfolded(x, as: conv)
        expectClose(got, conv.reference(x), within: Self.unfoldedTolerance, "unfolded 3x3/2 on \(h)x\(w)")
    }

    @Test func equalsConv2DsPointwisePath() {
        var data = TestData(seed: 9)
        let weight = data.tensor([12, 20]), bias = data.tensor([12]).data
        let x = data.tensor([1, 20, 9, 40])
        let viaGEMM = Conv2D(weight: weight.reshaped([12, 20, 1, 1]), bias: bias)(x)
        expectClose(PointwiseConv(weight: weight, bias: bias)(x), viaGEMM, within: Self.gemmTolerance, "pointwise against the GEMM path")
    }
}
