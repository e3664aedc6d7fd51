/// A percentile bootstrap confidence interval: the `(1 - level)/2` and
/// `(1 + level)/2` quantiles of a statistic over bootstrap resamples.
public struct BootstrapInterval: Sendable, Equatable, Codable {
    /// The lower end.
    public let lower: Double
    /// The upper end.
    public let upper: Double
    /// The confidence level, e.g. 0.95.
    public let level: Double

    /// An interval with these ends.
    public init(lower: Double, upper: Double, level: Double) {
        precondition(lower <= upper, "lower end above upper end")
        self.lower = lower
        self.upper = upper
        self.level = level
    }

    /// The percentile interval of `statistics` (one value per resample, at
    /// least one, in any order) at `level` (in (0, 1)). Quantiles interpolate
    /// linearly between order statistics (NumPy's default `percentile`
    /// method): the q-quantile of sorted `s` is at position `q (count - 1)`.
    public init(percentilesOf statistics: [Double], level: Double = 0.95) {
        precondition(!statistics.isEmpty, "no resample")
        precondition(level > 0 && level < 1, "level must lie in (0, 1)")
        let sorted = statistics.sorted()
        func quantile(_ q: Double) -> Double {
            let position = q * Double(sorted.count - 1)
            let below = Int(position.rounded(.down)), above = min(below + 1, sorted.count - 1)
            let fraction = position - Double(below)
            return sorted[below] + (sorted[above] - sorted[below]) * fraction
        }
        self.init(lower: quantile((1 - level) / 2), upper: quantile((1 + level) / 2), level: level)
    }

    /// Whether `value` lies in the interval (ends included).
    public func contains(_ value: Double) -> Bool { lower <= value && value <= upper }
}
