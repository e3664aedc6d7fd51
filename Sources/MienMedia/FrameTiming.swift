/// Judgements about a stream's presentation timestamps.
enum FrameTiming {
    /// Whether frame intervals vary: true when any interval between consecutive
    /// (sorted, distinct) timestamps differs from the median interval by more
    /// than one tick and 2% of the median. Container rounding (33/34 ms at
    /// 29.97 fps in a 1/1000 time base) stays constant; a dropped frame or a
    /// change of rate is variable.
    static func isVariable(_ timestamps: [Int64]) -> Bool {
        let sorted = Array(Set(timestamps)).sorted()
        guard sorted.count >= 3 else { return false }
        let intervals = zip(sorted.dropFirst(), sorted).map { $0 - $1 }
        let median = intervals.sorted()[intervals.count / 2]
        let tolerance = max(1, Double(median) * 0.02)
        return intervals.contains { abs(Double($0 - median)) > tolerance }
    }
}
