import MienTestSupport
import Testing

@testable import MienNN

/// The C kernels' paths (AVX-512, AVX2, portable C) compute the same bits:
/// each output adds its products in one order with one fused rounding each.
/// Paths this CPU lacks fall back to the portable one and are compared too
/// (trivially), so the suite runs everywhere; the shapes cover every tail
/// (positions past a multiple of 32 and 16, output channels past 8 and 6,
/// plane widths around 8 and 16, one-row and one-column planes).
@Suite("Float kernels: every dispatch path gives the portable path's bits")
struct FloatKernelPathTests {
    static let vectorPaths: [FloatKernelPath] = [.avx512, .avx2, .auto]

    @Test(arguments: [(16, 16, 1, 32), (27, 16, 3, 37), (64, 64, 2, 45), (16, 32, 1, 17), (64, 16, 5, 9),
                      (3, 7, 1, 1), (64, 1, 4, 33), (32, 13, 2, 23)])
    func pointwisePathsAgree(cin: Int, cout: Int, h: Int, w: Int) {
        var data = TestData(seed: UInt64(cin * 131 + cout * 7 + w))
        for relu in [false, true] {
            let conv = PointwiseConv(weight: data.tensor([cout, cin]), bias: data.vector(cout), relu: relu)
            let x = data.tensor([2, cin, h, w])
            let portable = conv(x, path: .portable)
            for path in Self.vectorPaths {
                expectSameBits(conv(x, path: path), portable, "pointwise \(cin)->\(cout) \(h)x\(w) ReLU \(relu), \(path)")
            }
        }
    }

    @Test(arguments: [(16, 1, 1), (16, 2, 7), (8, 3, 8), (5, 4, 9), (16, 9, 15), (3, 5, 16), (2, 6, 17),
                      (4, 7, 31), (3, 3, 33), (2, 1, 40), (1, 17, 1), (64, 8, 24)])
    func depthwisePathsAgree(c: Int, h: Int, w: Int) {
        var data = TestData(seed: UInt64(c * 1000 + h * 50 + w))
        for activation in [nil, Activation.relu] {
            let conv = DepthwiseConv2D(weight: data.tensor([c, 1, 3, 3]), bias: data.vector(c), padding: .symmetric(1),
                                       activation: activation)
            #expect(conv.runsInC)
            let x = data.tensor([2, c, h, w])
            let portable = conv(x, path: .portable)
            for path in Self.vectorPaths {
                expectSameBits(conv(x, path: path), portable, "depthwise \(c)x\(h)x\(w) \(String(describing: activation)), \(path)")
            }
            // The portable path is the definition in another order of rounding: close to it.
            expectClose(portable, conv.reference(x), within: 1e-5, "depthwise \(c)x\(h)x\(w) against the reference")
        }
    }

    /// ReLU is max(s, 0) on every path: -0 and NaN become +0 alike.
    @Test func reluOfNegativeZeroAndNaNIsTheSameEverywhere() {
        let x = Tensor(shape: [1, 2, 1, 3], data: [-0.0, .nan, 1, 0, -1, .infinity])
        let conv = PointwiseConv(weight: Tensor(shape: [2, 2], data: [1, 0, 0, 1]), bias: [0, -0.0], relu: true)
        let portable = conv(x, path: .portable)
        // Channel 0 at the last position is 1 + 0 * infinity = NaN, so 0 too.
        #expect(portable.data.map(\.bitPattern) == [Float](arrayLiteral: 0, 0, 0, 0, 0, .infinity).map(\.bitPattern))
        for path in Self.vectorPaths { expectSameBits(conv(x, path: path), portable, "ReLU edge values, \(path)") }
    }

    @Test func theBestPathIsOneThisCPUHas() {
        #expect(FloatKernelPath.best.isAvailable)
        #expect(FloatKernelPath.best != .auto)
    }

    /// Bit for bit (so -0 against +0 or one NaN against another counts), naming the first difference.
    func expectSameBits(_ got: Tensor, _ want: Tensor, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(got.shape == want.shape, "\(what): shape", sourceLocation: sourceLocation)
        let first = got.data.indices.first { got.data[$0].bitPattern != want.data[$0].bitPattern }
        #expect(first == nil, "\(what): first difference at \(first ?? -1): \(first.map { got.data[$0] } ?? 0) against \(first.map { want.data[$0] } ?? 0)",
                sourceLocation: sourceLocation)
    }
}

@Suite("Separable kernel: one fused pass gives the bits of pointwise then depthwise")
struct SeparableKernelTests {
    @Test(arguments: [(16, 16, 1, 1), (16, 16, 2, 33), (3, 16, 3, 17), (32, 64, 5, 40), (64, 16, 7, 9), (64, 13, 4, 31)])
    func fusedEqualsTheTwoConvolutions(cin: Int, cout: Int, h: Int, w: Int) {
        var data = TestData(seed: UInt64(cin * 31 + cout * 3 + h * w))
        for activation in [nil, Activation.relu] {
            let pointwise = PointwiseConv(weight: data.tensor([cout, cin]), bias: data.vector(cout))
            let depthwise = DepthwiseConv2D(weight: data.tensor([cout, 1, 3, 3]), bias: data.vector(cout), padding: .symmetric(1),
                                            activation: activation)
            let fused = SeparableKernel(pointwise: pointwise, depthwise: depthwise)
            let x = data.tensor([2, cin, h, w])
            for path in FloatKernelPath.allCases {
                let want = depthwise(pointwise(x, path: path), path: path)
                let got = fused(x, path: path)
                let first = got.data.indices.first { got.data[$0].bitPattern != want.data[$0].bitPattern }
                #expect(got.shape == want.shape && first == nil, "\(cin)->\(cout) \(h)x\(w) \(String(describing: activation)) \(path): first difference at \(first ?? -1)")
            }
        }
    }

    @Test func reluBetweenTheConvolutionsCannotBeFused() {
        var data = TestData(seed: 3)
        let depthwise = DepthwiseConv2D(weight: data.tensor([4, 1, 3, 3]), padding: .symmetric(1))
        #expect(!SeparableKernel.canFuse(PointwiseConv(weight: data.tensor([4, 2]), bias: data.vector(4), relu: true), depthwise))
        #expect(SeparableKernel.canFuse(PointwiseConv(weight: data.tensor([4, 2]), bias: data.vector(4)), depthwise))
        #expect(!SeparableKernel.canFuse(PointwiseConv(weight: data.tensor([4, 2]), bias: data.vector(4)),
                                        DepthwiseConv2D(weight: data.tensor([4, 1, 3, 3]), padding: .valid)))
    }
}
