/// Judgements about a stream's presentation timestamps.
enum FrameTiming {
    /// Whether frame intervals vary: true when any interval between consecutive
    /// (sorted, distinct) timestamps differs from the median interval by more
    /// than one tick and 2% of the median. Container rounding (33/34 ms at
    /// 29.97 fps in a 1/1000 time base) stays constant; a dropped frame or a
    /// change of rate is variable. So is an interval too wide for 64 bits (a
    /// damaged timestamp among good ones).
    static func isVariable(_ timestamps: [Int64]) -> Bool {
        let sorted = Array(Set(timestamps)).sorted()
        guard sorted.count >= 3 else { return false }
        var intervals: [Int64] = []
        intervals.reserveCapacity(sorted.count - 1)
        for (later, earlier) in zip(sorted.dropFirst(), sorted) {
            let (interval, overflow) = later.subtractingReportingOverflow(earlier)
            if overflow { return true }
            intervals.append(interval)
        }
        let median = intervals.sorted()[intervals.count / 2]
        let tolerance = max(1, Double(median) * 0.02)
        return intervals.contains { abs(Double($0 - median)) > tolerance }
    }

    /// For each of `keys` (timestamps of some frames), how many of `all` (every
    /// frame's timestamp, any order) are smaller: the frame's index in timestamp order.
    static func positions(of keys: [Int64], among all: [Int64]) -> [Int] {
        let sorted = all.sorted()
        return keys.map { key in
            var low = 0, high = sorted.count
            while low < high {
                let mid = (low + high) / 2
                if sorted[mid] < key { low = mid + 1 } else { high = mid }
            }
            return low
        }
    }
}
