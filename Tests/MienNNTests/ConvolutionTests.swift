import MienTestSupport
import Testing

@testable import MienNN

@Suite("Convolutions: fast path against the plain reference")
struct ConvolutionTests {
    // Tolerances: about 10x the largest error measured (see TestData.swift).
    /// Convolutions, per square root of the products each output sums: measured 1.4e-6
    /// (2.9e-5 over 432 products: n2 48x24x24 -> 48, padding 1).
    static let perRootTerm: Float = 2e-5
    /// Depthwise convolutions, per square root of the kernel's taps: measured 3.2e-7.
    static let depthwisePerRootTerm: Float = 4e-6
    /// 3x3 depthwise with ReLU fused: measured 4.8e-7.
    static let fusedReLUTolerance: Float = 5e-6

    struct Case: CustomStringConvertible, Sendable {
        let n, cin, h, w, cout, kh, kw, sh, sw: Int
        let padding: Padding2D
        var description: String { "n\(n) \(cin)x\(h)x\(w) -> \(cout) k\(kh)x\(kw) s\(sh)x\(sw) pad \(padding.top),\(padding.left),\(padding.bottom),\(padding.right)" }
    }

    static let cases: [Case] = [
        Case(n: 1, cin: 1, h: 5, w: 5, cout: 1, kh: 3, kw: 3, sh: 1, sw: 1, padding: .valid),
        Case(n: 2, cin: 3, h: 12, w: 12, cout: 10, kh: 3, kw: 3, sh: 1, sw: 1, padding: .valid),     // P-Net conv1
        Case(n: 3, cin: 3, h: 37, w: 53, cout: 10, kh: 3, kw: 3, sh: 1, sw: 1, padding: .valid),     // odd sizes
        Case(n: 5, cin: 28, h: 11, w: 11, cout: 48, kh: 3, kw: 3, sh: 1, sw: 1, padding: .valid),    // batched columns
        Case(n: 4, cin: 48, h: 4, w: 4, cout: 64, kh: 2, kw: 2, sh: 1, sw: 1, padding: .valid),
        Case(n: 2, cin: 1, h: 64, w: 64, cout: 8, kh: 3, kw: 3, sh: 1, sw: 1, padding: .valid),      // mini-Xception conv1
        Case(n: 2, cin: 8, h: 60, w: 60, cout: 16, kh: 1, kw: 1, sh: 1, sw: 1, padding: .valid),     // pointwise
        Case(n: 2, cin: 8, h: 60, w: 60, cout: 16, kh: 1, kw: 1, sh: 2, sw: 2, padding: .valid),     // strided 1x1 skip
        Case(n: 1, cin: 4, h: 15, w: 15, cout: 6, kh: 3, kw: 3, sh: 2, sw: 2,
             padding: .same(height: 15, width: 15, kernel: (3, 3), stride: (2, 2))),
        Case(n: 2, cin: 5, h: 8, w: 9, cout: 7, kh: 3, kw: 3, sh: 1, sw: 1, padding: .symmetric(1)),
        Case(n: 1, cin: 2, h: 7, w: 10, cout: 3, kh: 5, kw: 3, sh: 2, sw: 3, padding: Padding2D(top: 2, left: 0, bottom: 1, right: 2)),
        Case(n: 1, cin: 3, h: 2, w: 2, cout: 2, kh: 3, kw: 3, sh: 1, sw: 1, padding: .valid),        // empty output
        // Several tiles of output rows (Conv2D.tileFloats), the last one shorter.
        Case(n: 2, cin: 16, h: 41, w: 200, cout: 32, kh: 3, kw: 3, sh: 1, sw: 1, padding: .valid),   // P-Net conv3 band
        Case(n: 1, cin: 8, h: 70, w: 90, cout: 5, kh: 3, kw: 3, sh: 2, sw: 2, padding: .symmetric(1)),
        Case(n: 2, cin: 32, h: 60, w: 101, cout: 6, kh: 1, kw: 1, sh: 1, sw: 1, padding: .valid),    // pointwise tiles
        // DirectConv3x3: one block exactly, a shifted tail block, channels not a multiple of 4.
        Case(n: 1, cin: 3, h: 18, w: 18, cout: 10, kh: 3, kw: 3, sh: 1, sw: 1, padding: .valid),
        Case(n: 2, cin: 1, h: 20, w: 19, cout: 5, kh: 3, kw: 3, sh: 1, sw: 1, padding: .valid),
        Case(n: 1, cin: 7, h: 9, w: 33, cout: 3, kh: 3, kw: 3, sh: 1, sw: 1, padding: .valid),
        Case(n: 3, cin: 3, h: 24, w: 24, cout: 28, kh: 3, kw: 3, sh: 1, sw: 1, padding: .valid),     // R-Net conv1
        Case(n: 2, cin: 32, h: 23, w: 23, cout: 64, kh: 3, kw: 3, sh: 1, sw: 1, padding: .valid),    // O-Net conv2 (GEMM)
        Case(n: 1, cin: 10, h: 30, w: 123, cout: 16, kh: 3, kw: 3, sh: 1, sw: 1, padding: .valid),   // P-Net conv2 band
        // DirectConv3x3 on a zero-bordered copy (padding 1): ExpressionNet's 48x48 and 24x24 layers, a shifted tail.
        Case(n: 2, cin: 24, h: 48, w: 48, cout: 24, kh: 3, kw: 3, sh: 1, sw: 1, padding: .symmetric(1)),
        Case(n: 3, cin: 1, h: 48, w: 48, cout: 24, kh: 3, kw: 3, sh: 1, sw: 1, padding: .symmetric(1)),
        Case(n: 2, cin: 48, h: 24, w: 24, cout: 48, kh: 3, kw: 3, sh: 1, sw: 1, padding: .symmetric(1)),
        Case(n: 1, cin: 5, h: 7, w: 19, cout: 9, kh: 3, kw: 3, sh: 1, sw: 1, padding: .symmetric(1)),
    ]

    @Test func directPathTakenWherePlanned() {
        #expect(DirectConv3x3.pays(inChannels: 3, outWidth: 383))    // P-Net conv1, level 0
        #expect(DirectConv3x3.pays(inChannels: 16, outWidth: 188))   // P-Net conv3, level 0
        #expect(DirectConv3x3.pays(inChannels: 3, outWidth: 22))     // R-Net conv1
        #expect(!DirectConv3x3.pays(inChannels: 32, outWidth: 21))   // O-Net conv2: a GEMM
        #expect(!DirectConv3x3.pays(inChannels: 3, outWidth: 15))    // narrower than a block
    }

    /// `DirectConv3x3.run` on a range of rows into a wider channel stride, against the reference.
    @Test(arguments: [(3, 10, 14, 40, 3..<9), (16, 32, 12, 18, 0..<10), (5, 7, 11, 29, 8..<9)])
    func directRows(cin: Int, cout: Int, h: Int, w: Int, rows: Range<Int>) {
        var data = TestData(seed: UInt64(cin * 31 + w))
        let conv = Conv2D(weight: data.tensor([cout, cin, 3, 3]))
        let x = data.tensor([1, cin, h, w])
        let expected = conv.reference(x)
        let ow = w - 2, stride = rows.count * ow + 5
        var packed = [Float](repeating: .nan, count: DirectConv3x3.packedCount(outChannels: cout, inChannels: cin))
        var y = [Float](repeating: .nan, count: cout * stride)
        conv.weight.data.withUnsafeBufferPointer { wp in
            packed.withUnsafeMutableBufferPointer { DirectConv3x3.pack(wp.baseAddress!, outChannels: cout, inChannels: cin, into: $0.baseAddress!) }
        }
        x.data.withUnsafeBufferPointer { xp in
            packed.withUnsafeBufferPointer { pp in
                y.withUnsafeMutableBufferPointer {
                    DirectConv3x3.run(xp.baseAddress!, inChannels: cin, height: h, width: w, packed: pp.baseAddress!,
                                      outChannels: cout, rows: rows, into: $0.baseAddress!, channelStride: stride)
                }
            }
        }
        var worst: Float = 0
        for c in 0..<cout {
            for oy in rows {
                for ox in 0..<ow {
                    // A value never written stays NaN: that fails too.
                    let difference = abs(y[c * stride + (oy - rows.lowerBound) * ow + ox] - expected.data[(c * (h - 2) + oy) * ow + ox])
                    worst = difference.isNaN ? .infinity : max(worst, difference)
                }
            }
            for gap in (rows.count * ow)..<stride { #expect(y[c * stride + gap].isNaN, "wrote past the rows") }
        }
        expectWithin(worst, Self.perRootTerm * Float(cin * 9).squareRoot(), "DirectConv3x3 rows \(rows) of \(cin)x\(h)x\(w) -> \(cout)")
    }

    @Test(arguments: cases)
    func conv2D(c: Case) {
        var data = TestData(seed: UInt64(c.cin * 1000 + c.h))
        let conv = Conv2D(weight: data.tensor([c.cout, c.cin, c.kh, c.kw]), bias: data.vector(c.cout),
                          stride: (c.sh, c.sw), padding: c.padding)
        let x = data.tensor([c.n, c.cin, c.h, c.w])
        expectClose(conv(x), conv.reference(x), terms: c.cin * c.kh * c.kw, perRootTerm: Self.perRootTerm, "conv \(c)")
    }

    @Test(arguments: cases)
    func depthwise(c: Case) {
        var data = TestData(seed: UInt64(c.cin * 77 + c.w))
        let conv = DepthwiseConv2D(weight: data.tensor([c.cin, 1, c.kh, c.kw]), bias: data.vector(c.cin),
                                   stride: (c.sh, c.sw), padding: c.padding)
        let x = data.tensor([c.n, c.cin, c.h, c.w])
        expectClose(conv(x), conv.reference(x), terms: c.kh * c.kw, perRootTerm: Self.depthwisePerRootTerm, "depthwise \(c)")
    }

    @Test(arguments: [(Padding2D.symmetric(1), 1), (.valid, 1), (.symmetric(1), 2)])
    func depthwiseFusedReLUEqualsReference(padding: Padding2D, stride: Int) {
        // 3x3 stride 1 takes the kernel with ReLU in its stores; stride 2 the general loop and a separate pass.
        var data = TestData(seed: 41)
        let conv = DepthwiseConv2D(weight: data.tensor([5, 1, 3, 3]), bias: data.vector(5), stride: (stride, stride),
                                   padding: padding, activation: .relu)
        let x = data.tensor([2, 5, 11, 13])
        let fast = conv(x)
        #expect(fast.data.allSatisfy { $0 >= 0 })
        expectClose(fast, conv.reference(x), within: Self.fusedReLUTolerance, "depthwise + ReLU, stride \(stride), \(padding)")
    }

    @Test(arguments: [Activation.relu, .prelu([0.25, -0.5, 0.1]), .hardSwish, .sigmoid])
    func fusedActivationEqualsSeparateOne(activation: Activation) {
        var data = TestData(seed: 9)
        let weight = data.tensor([3, 2, 3, 3]), bias = data.vector(3)
        let x = data.tensor([2, 2, 9, 9])
        let fused = Conv2D(weight: weight, bias: bias, activation: activation)(x)
        let separate = activation(Conv2D(weight: weight, bias: bias)(x))
        expectIdentical(fused, separate, "conv + \(activation) fused")  // measured 0 everywhere
    }

    @Test(arguments: [Activation.relu, .prelu([0.25, -0.5, 0.1]), .hardSwish])
    func fusedActivationOverTiles(activation: Activation) {
        var data = TestData(seed: 11)
        let weight = data.tensor([3, 24, 3, 3]), bias = data.vector(3)
        let x = data.tensor([1, 24, 50, 120])  // 216 x 118 floats per output row: several tiles
        let fused = Conv2D(weight: weight, bias: bias, activation: activation)(x)
        let separate = activation(Conv2D(weight: weight, bias: bias).reference(x))
        expectClose(fused, separate, terms: 216, perRootTerm: Self.perRootTerm, "conv + \(activation) fused, over tiles")
    }

    @Test func knownValues() {
        // 1 channel 3x3 input, 2x2 kernel of ones: sums of each 2x2 window, plus bias 1.
        let x = Tensor(shape: [1, 1, 3, 3], data: [1, 2, 3, 4, 5, 6, 7, 8, 9])
        let conv = Conv2D(weight: Tensor(shape: [1, 1, 2, 2], repeating: 1), bias: [1])
        #expect(conv(x).data == [13, 17, 25, 29])
        #expect(conv.reference(x).data == [13, 17, 25, 29])
    }
}
