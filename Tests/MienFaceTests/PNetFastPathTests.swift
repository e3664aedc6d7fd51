import MienTestSupport
import Testing

@testable import MienFace
@testable import MienNN

/// The P-Net fast path's rewrites, each against the plain form it replaces.
@Suite("P-Net fast path: merged heads")
struct PNetFastPathTests {
    /// Deterministic values in [-scale, scale].
    static func values(_ count: Int, seed: UInt64, scale: Float = 4) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (Float(state >> 40) / Float(1 << 24) * 2 - 1) * scale
        }
    }

    @Test func splitEqualsSoftmaxAndCopy() {
        var logits = Self.values(2 * 6 * 7 * 9, seed: 3)
        logits[0] = logits[7 * 9]  // a tie
        let heads = Tensor(shape: [2, 6, 7, 9], data: logits)
        let (reg, prob) = PNet.split(heads)
        var twoChannels: [Float] = [], fourChannels: [Float] = []
        for b in 0..<2 {
            twoChannels += logits[(b * 6 * 63)..<(b * 6 * 63 + 2 * 63)]
            fourChannels += logits[(b * 6 * 63 + 2 * 63)..<((b + 1) * 6 * 63)]
        }
        expectIdentical(prob, Softmax.apply(Tensor(shape: [2, 2, 7, 9], data: twoChannels)), "P-Net split: prob")
        expectIdentical(reg, Tensor(shape: [2, 4, 7, 9], data: fourChannels), "P-Net split: reg")
    }
}
