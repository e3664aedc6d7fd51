import Foundation

/// McNemar's exact test: do two classifiers, run on the same images, have
/// different error rates? Only the discordant images count: `b` that A got
/// right and B wrong, `c` the other way round. Under the null hypothesis each
/// discordant image is a fair coin, so the two-sided p-value is
/// `min(1, 2 P(X <= min(b, c)))` with `X ~ Binomial(b + c, 1/2)`, and 1 when
/// there is no discordant image.
public struct McNemarTest: Sendable, Equatable {
    /// Images A got right and B got wrong.
    public let b: Int
    /// Images A got wrong and B got right.
    public let c: Int
    /// The natural log of the p-value: finite even where the p-value itself
    /// underflows a Double (below about 1e-308, e.g. b = 5000, c = 0).
    public let logPValue: Double

    /// The test on the discordant counts `b` and `c` (both at least 0).
    public init(b: Int, c: Int) {
        precondition(b >= 0 && c >= 0, "counts cannot be negative")
        self.b = b
        self.c = c
        logPValue = Self.logExactPValue(b: b, c: c)
    }

    /// The test on a table's discordant cells.
    public init(_ table: AgreementTable) {
        self.init(b: table.aRightBWrong, c: table.aWrongBRight)
    }

    /// The exact two-sided p-value, in [0, 1] (0 only where it underflows; see `logPValue`).
    public var pValue: Double { exp(logPValue) }

    /// log10 of the p-value.
    public var log10PValue: Double { logPValue / M_LN10 }

    /// Whether the p-value is below `alpha`.
    public func isSignificant(alpha: Double = 0.05) -> Bool { logPValue < log(alpha) }

    /// The natural log of `min(1, 2 P(X <= m))`, `X ~ Bin(n, 1/2)`, `n = b + c`, `m = min(b, c)`.
    ///
    /// `P(X <= m) = t_m (1 + t_{m-1}/t_m + t_{m-2}/t_m + ...)` with
    /// `t_k = C(n, k) / 2^n` and `t_{k-1} = t_k k / (n - k + 1)`. Since
    /// `m <= n/2`, every ratio is at most 1 and the terms fall from `t_m`
    /// down, so the bracket lies in [1, m + 1] and needs no scaling. `t_m`
    /// itself is taken in logs, `ln t_m = sum_{i=1..m} ln((n - m + i) / i) - n ln 2`,
    /// summed with compensation (`CompensatedSum`) and ln 2 split in two
    /// (fdlibm's `ln2_hi`, whose product with any n below 2^21 is exact, and
    /// `ln2_lo`): a plain sum of 4,000 logs near 5,600 drifts by 2e-11, which
    /// would be the p-value's relative error; this one stays near 1e-14.
    static func logExactPValue(b: Int, c: Int) -> Double {
        let n = b + c, m = min(b, c)
        guard n > 0 else { return 0 }
        let ln2High = 6.93147180369123816490e-01, ln2Low = 1.90821492927058770002e-10
        var logTerm = CompensatedSum()
        for i in stride(from: 1, through: m, by: 1) { logTerm.add(log(Double(n - m + i) / Double(i))) }
        logTerm.add(-Double(n) * ln2High)
        logTerm.add(-Double(n) * ln2Low)
        var bracket = 1.0, term = 1.0
        for k in stride(from: m, to: 0, by: -1) {
            term *= Double(k) / Double(n - k + 1)
            bracket += term
            if term < bracket * 1e-18 { break }   // the rest cannot change the sum
        }
        logTerm.add(log(bracket))
        logTerm.add(M_LN2)   // two-sided: twice the tail
        return min(0, logTerm.value)
    }
}
