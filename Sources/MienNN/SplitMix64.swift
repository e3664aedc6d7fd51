/// SplitMix64 (Steele, Lea and Flood, 2014): a small seeded generator, so a
/// bootstrap with the same seed draws the same resamples on every machine and
/// every Swift version.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform index in `0..<count`, by Lemire's multiply-and-reject method
    /// written out here (not `Int.random(in:using:)`, whose way of drawing is
    /// the standard library's to change), so results depend only on the seed.
    public mutating func index(below count: Int) -> Int {
        precondition(count > 0, "count must be positive")
        let bound = UInt64(count)
        let threshold = (0 &- bound) % bound   // 2^64 mod bound: the low products to reject
        while true {
            let product = next().multipliedFullWidth(by: bound)
            if product.low >= threshold { return Int(product.high) }
        }
    }
}
