/// A rational number as FFmpeg uses for time bases and frame rates, e.g. 1/24000.
public struct Rational: Codable, Sendable, Hashable, CustomStringConvertible {
    /// Numerator.
    public var num: Int
    /// Denominator.
    public var den: Int

    /// Creates `num/den`.
    public init(_ num: Int, _ den: Int) {
        self.num = num
        self.den = den
    }

    /// Whether both parts are positive (FFmpeg uses 0/0 or 0/1 for "unknown").
    public var isValid: Bool { num > 0 && den > 0 }

    /// The value as a floating-point number (0 when invalid).
    public var value: Double { isValid ? Double(num) / Double(den) : 0 }

    /// "num/den".
    public var description: String { "\(num)/\(den)" }
}
