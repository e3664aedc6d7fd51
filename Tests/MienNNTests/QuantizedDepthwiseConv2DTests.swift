import MienTestSupport
import Testing

@testable import MienNN

/// The int8 depthwise convolution's paths (AVX-512 VNNI and AVX-512 where the CPU has them, and
/// portable C) give exactly the bits of the plain reference, for both zero
/// points the int8 separable networks use (0 after a ReLU, 128 for signed values).
@Suite("Int8 depthwise convolution: every path bit-exact against the plain reference")
struct QuantizedDepthwiseConv2DTests {
    struct Case: CustomStringConvertible, Sendable {
        let n, c, h, w, stride, inZero, outZero: Int
        var kernel = 3, pad = 1
        var description: String { "n\(n) \(c)x\(h)x\(w) k\(kernel) s\(stride) p\(pad) zero \(inZero)->\(outZero)" }
    }

    static let cases: [Case] = [
        Case(n: 1, c: 1, h: 5, w: 5, stride: 1, inZero: 0, outZero: 128),
        Case(n: 2, c: 48, h: 12, w: 12, stride: 1, inZero: 0, outZero: 128),      // a ds stem, smaller
        Case(n: 2, c: 96, h: 13, w: 11, stride: 2, inZero: 0, outZero: 128),      // a strided stage entry, odd sizes
        Case(n: 1, c: 24, h: 6, w: 6, stride: 1, inZero: 128, outZero: 0),        // signed in, clamped out
        Case(n: 3, c: 33, h: 7, w: 9, stride: 1, inZero: 0, outZero: 128),        // channels off the 16 grid
        Case(n: 1, c: 12, h: 8, w: 8, stride: 2, inZero: 7, outZero: 128),        // a zero point of neither kind
        Case(n: 1, c: 17, h: 6, w: 7, stride: 1, inZero: 0, outZero: 128, kernel: 3, pad: 0),   // unpadded
        Case(n: 1, c: 20, h: 9, w: 9, stride: 1, inZero: 128, outZero: 128, kernel: 5, pad: 2), // a 5x5 kernel
        Case(n: 2, c: 64, h: 6, w: 6, stride: 1, inZero: 0, outZero: 128),        // one whole block of 64
        Case(n: 1, c: 200, h: 6, w: 5, stride: 2, inZero: 128, outZero: 0),       // three blocks of 64 and a 16 tail
        Case(n: 1, c: 66, h: 5, w: 5, stride: 1, inZero: 3, outZero: 128, kernel: 5, pad: 2),   // a pruned width, 5x5
    ]

    static func conv(_ c: Case, seed: UInt64, multiplier: Float = 0) -> (QuantizedDepthwiseConv2D, QuantizedBatch) {
        var r = QuantizedConv2DTests.Numbers(state: seed)
        let weights = (0..<(c.c * c.kernel * c.kernel)).map { _ in Int8(r.int(-127...127)) }
        // Multipliers that put results on both sides of the byte range, and ties with 0.5.
        let m = (0..<c.c).map { _ in multiplier != 0 ? multiplier : Float(r.int(1...3000)) * 1e-5 }
        let o = (0..<c.c).map { _ in multiplier != 0 ? Float(0) : Float(r.int(-400...400)) / 8 }
        let conv = QuantizedDepthwiseConv2D(weights: weights, channels: c.c, kernel: c.kernel, stride: c.stride, padding: c.pad,
                                            inputZero: c.inZero, outputZero: c.outZero, multiplier: m, offset: o)
        var x = QuantizedBatch(count: c.n, height: c.h, width: c.w, channels: c.c, stride: QuantizedBatch.paddedStride(channels: c.c))
        for p in 0..<(c.n * c.h * c.w) { for ch in 0..<c.c { x.bytes[p * x.stride + ch] = UInt8(r.int(0...255)) } }
        return (conv, x)
    }

    @Test(arguments: cases)
    func everyPathEqualsTheReference(_ c: Case) {
        let (conv, x) = Self.conv(c, seed: UInt64(c.c * 1000 + c.h))
        let want = conv.reference(x)
        #expect(want.bytes.contains { $0 != 0 && $0 != 255 && $0 != 128 }, "the case must have values inside the byte range")
        for path in QuantizedDepthwiseConv2D.availablePaths {
            let got = conv(x, path: path)
            let differing = zip(got.bytes, want.bytes).filter { $0 != $1 }.count
            #expect(got.bytes.count == want.bytes.count && differing == 0, "\(c) path \(path): \(differing) bytes differ")
        }
    }

    /// The reference against the definition written out in Swift: integer sums
    /// of (q - zero) * w over the taps inside the image, one fma, clamp, round
    /// half to even, the output zero point; padded channels 0.
    @Test func theReferenceIsTheDefinition() {
        let c = Case(n: 2, c: 19, h: 7, w: 6, stride: 2, inZero: 128, outZero: 128)
        let (conv, x) = Self.conv(c, seed: 11)
        let got = conv.reference(x)
        let (oh, ow) = (conv.outputSize(c.h), conv.outputSize(c.w))
        var mismatches = 0
        for b in 0..<c.n { for oy in 0..<oh { for ox in 0..<ow { for ch in 0..<conv.outStride {
            var want: UInt8 = 0
            if ch < c.c {
                var acc: Int32 = 0
                for ky in 0..<3 { for kx in 0..<3 {
                    let (y, xx) = (oy * c.stride + ky - 1, ox * c.stride + kx - 1)
                    guard (0..<c.h).contains(y), (0..<c.w).contains(xx) else { continue }
                    let q = Int32(x.bytes[((b * c.h + y) * c.w + xx) * x.stride + ch]) - Int32(c.inZero)
                    acc += q * Int32(conv.weights[(ch * 3 + ky) * 3 + kx])
                } }
                let v = min(max(conv.offset[ch].addingProduct(Float(acc), conv.multiplier[ch]), -256), 256)
                want = UInt8(min(max(v.rounded(.toNearestOrEven) + Float(c.outZero), 0), 255))
            }
            if got.bytes[((b * oh + oy) * ow + ox) * conv.outStride + ch] != want { mismatches += 1 }
        } } } }
        #expect(mismatches == 0)
    }

    /// With multiplier 0.5 every odd sum is a tie: each path rounds it half to even.
    @Test func tiesRoundHalfToEven() {
        var (conv, x) = Self.conv(Case(n: 1, c: 16, h: 5, w: 5, stride: 1, inZero: 0, outZero: 128), seed: 5, multiplier: 0.5)
        for i in x.bytes.indices { x.bytes[i] %= 3 }
        let want = conv.reference(x)
        for path in QuantizedDepthwiseConv2D.availablePaths { #expect(conv(x, path: path) == want, "path \(path)") }
        // One tie by hand: a single tap, weight 1, input 5 at multiplier 0.5 is 2.5 -> 2, plus the zero point 128.
        conv = QuantizedDepthwiseConv2D(weights: [1], channels: 1, kernel: 1, stride: 1, padding: 0, inputZero: 0,
                                        outputZero: 128, multiplier: [0.5], offset: [0])
        var five = QuantizedBatch(count: 1, height: 1, width: 1, channels: 1, stride: 16)
        five.bytes[0] = 5
        for path in QuantizedDepthwiseConv2D.availablePaths { #expect(conv(five, path: path).bytes[0] == 130, "path \(path)") }
    }

    /// Quantizing a float depthwise convolution: per-channel symmetric weights,
    /// multiplier `inputScale * s_w / outputScale`, offset `bias / outputScale`;
    /// its dequantized output is close to the float convolution's.
    @Test func quantizingFollowsTheFloatConvolution() {
        var data = TestData(seed: 21)
        let float = DepthwiseConv2D(weight: data.tensor([8, 1, 3, 3]), bias: data.vector(8), stride: (2, 2), padding: .symmetric(1))
        let input = Tensor(shape: [1, 8, 9, 9], data: (0..<648).map { Float($0 % 23) * 0.05 })
        let conv = QuantizedDepthwiseConv2D.quantizing(float, inputScale: 0.05, inputZero: 0, outputScale: 0.1, outputZero: 128)
        let (values, scales) = WeightQuantization.perChannel(float.weight)
        #expect(conv.weights == values)
        #expect(conv.multiplier[3] == 0.05 * scales[3] / 0.1 && conv.offset[3] == float.bias![3] / 0.1)
        let bytes = conv(QuantizedBatch(quantizing: input, scale: 0.05, stride: 16))
        let want = float(input)
        var worst: Float = 0
        for ch in 0..<8 { for p in 0..<25 {
            let got = (Float(bytes.bytes[p * 16 + ch]) - 128) * 0.1
            worst = max(worst, abs(got - want.data[ch * 25 + p]))
        } }
        // Outputs within the bytes' range (about -12.8..12.7 here): half a byte
        // step (0.05) plus the weights' rounding (half a step of 1/127 of the
        // largest weight, over 9 inputs of at most 1.1).
        #expect(worst < 0.1, "largest difference \(worst)")
    }
}
