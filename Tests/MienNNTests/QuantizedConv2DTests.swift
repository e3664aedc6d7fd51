import MienTestSupport
import Testing

@testable import MienNN

/// The int8 convolution's paths (AVX-512 VNNI, AVX2 and portable C, each
/// where the CPU has it) give exactly the bits of the plain reference: the int32 sums are
/// exact and every path rounds once, the same way.
@Suite("Int8 convolution: every path bit-exact against the plain reference")
struct QuantizedConv2DTests {
    struct Case: CustomStringConvertible, Sendable {
        let n, cin, h, w, cout, kernel, stride, pad: Int
        var description: String { "n\(n) \(cin)x\(h)x\(w) -> \(cout) k\(kernel) s\(stride) p\(pad)" }
    }

    static let cases: [Case] = [
        Case(n: 1, cin: 1, h: 5, w: 5, cout: 1, kernel: 3, stride: 1, pad: 1),
        Case(n: 2, cin: 24, h: 12, w: 12, cout: 24, kernel: 3, stride: 1, pad: 1),    // expression-net block 1, smaller
        Case(n: 2, cin: 24, h: 14, w: 14, cout: 48, kernel: 3, stride: 2, pad: 1),    // a strided stage entry
        Case(n: 3, cin: 48, h: 12, w: 12, cout: 112, kernel: 1, stride: 2, pad: 0),   // a shortcut
        Case(n: 1, cin: 7, h: 9, w: 13, cout: 33, kernel: 3, stride: 1, pad: 1),      // channels off the 4 and 16 grids
        Case(n: 2, cin: 112, h: 6, w: 6, cout: 240, kernel: 3, stride: 1, pad: 1),    // the last stage
        Case(n: 1, cin: 5, h: 8, w: 7, cout: 17, kernel: 3, stride: 2, pad: 0),       // unpadded, strided, odd
    ]

    /// Paths this machine can run.
    static var paths: [QuantizedConv2D.Path] { QuantizedConv2D.availablePaths }

    /// Integers from MienNN's SplitMix64 generator.
    struct Numbers {
        var generator: SplitMix64
        init(state: UInt64) { generator = SplitMix64(seed: state) }
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(generator.next() % UInt64(range.count)) }
    }

    static func conv(_ c: Case, seed: UInt64, multiplier: Float = 0) -> (QuantizedConv2D, QuantizedBatch) {
        var r = Numbers(state: seed)
        let weights = (0..<(c.cout * c.cin * c.kernel * c.kernel)).map { _ in Int8(r.int(-127...127)) }
        // Multipliers that put results on both sides of 0..255, and halves (ties) with 0.5.
        let m = (0..<c.cout).map { _ in multiplier != 0 ? multiplier : Float(r.int(1...2000)) * 1e-5 }
        let o = (0..<c.cout).map { _ in multiplier != 0 ? Float(0) : Float(r.int(-400...400)) / 8 }
        let conv = QuantizedConv2D(weights: weights, outChannels: c.cout, inChannels: c.cin, kernel: c.kernel,
                                   stride: c.stride, padding: c.pad, multiplier: m, offset: o)
        var x = QuantizedBatch(count: c.n, height: c.h, width: c.w, channels: c.cin, stride: (c.cin + 15) / 16 * 16)
        for p in 0..<(c.n * c.h * c.w) { for ch in 0..<c.cin { x.bytes[p * x.stride + ch] = UInt8(r.int(0...255)) } }
        return (conv, x)
    }

    @Test(arguments: cases)
    func uint8OutputIsExact(_ c: Case) {
        let (conv, x) = Self.conv(c, seed: UInt64(c.cin * 1000 + c.cout))
        let want = conv.reference(x, float: false)
        for path in Self.paths {
            let got = conv(x, path: path).bytes.map(Float.init)
            #expect(got == want, "\(c) path \(path): \(zip(got, want).filter { $0 != $1 }.count) bytes differ")
        }
    }

    @Test(arguments: cases)
    func floatOutputIsExact(_ c: Case) {
        let (conv, x) = Self.conv(c, seed: UInt64(c.h * 7 + c.cout))
        let want = conv.reference(x, float: true)
        for path in Self.paths {
            let got = conv.floatOutput(x, path: path)
            #expect(got == want, "\(c) path \(path): \(zip(got, want).filter { $0 != $1 }.count) values differ")
        }
    }

    /// With multiplier 0.5 every odd sum is a tie: each path rounds it half to even.
    @Test func tiesRoundHalfToEven() {
        let c = Case(n: 1, cin: 4, h: 6, w: 6, cout: 16, kernel: 1, stride: 1, pad: 0)
        var (conv, x) = Self.conv(c, seed: 3, multiplier: 0.5)
        for i in x.bytes.indices { x.bytes[i] = x.bytes[i] % 3 }
        let want = conv.reference(x, float: false)
        #expect(want.contains { $0 != 0 && $0 != 255 }, "the case must have values inside 0..255")
        for path in Self.paths { #expect(conv(x, path: path).bytes.map(Float.init) == want, "path \(path)") }
        // One tie by hand: a sum of 5 at multiplier 0.5 is 2.5, which rounds to 2.
        let one = QuantizedConv2D(weights: [1], outChannels: 1, inChannels: 1, kernel: 1, stride: 1, padding: 0,
                                  multiplier: [0.5], offset: [0])
        var five = QuantizedBatch(count: 1, height: 1, width: 1, channels: 1, stride: 16)
        five.bytes[0] = 5
        for path in Self.paths { #expect(one(five, path: path).bytes[0] == 2, "path \(path)") }
    }

    /// Padded output channels are zero, so the next layer's extra input channels add nothing.
    @Test func paddedChannelsAreZero() {
        let c = Case(n: 1, cin: 3, h: 5, w: 5, cout: 5, kernel: 3, stride: 1, pad: 1)
        let (conv, x) = Self.conv(c, seed: 9)
        let y = conv(x)
        #expect(y.stride == 16)
        for p in 0..<(y.height * y.width) { #expect(y.bytes[(p * 16 + 5)..<(p * 16 + 16)].allSatisfy { $0 == 0 }) }
    }

    @Test func weightsQuantizePerChannelSymmetrically() {
        let w = Tensor(shape: [3, 2], data: [1.0, -0.3, 0, 0, 0.25, -0.0039])
        let (q, s) = WeightQuantization.perChannel(w)
        #expect(s == [1.0 / 127, 1, 0.25 / 127])
        #expect(q == [127, -38, 0, 0, 127, -2])   // -0.3 * 127 = -38.1; -0.0039 / (0.25 / 127) = -1.98
    }
}
