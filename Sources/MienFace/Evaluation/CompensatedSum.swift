/// A running sum of Doubles with Neumaier's compensation: the low-order bits
/// each addition rounds away are kept in a second term, so adding thousands of
/// small numbers to a large total loses about one rounding, not thousands.
struct CompensatedSum {
    private var sum = 0.0
    private var compensation = 0.0

    /// Adds `x`.
    mutating func add(_ x: Double) {
        let total = sum + x
        compensation += abs(sum) >= abs(x) ? (sum - total) + x : (x - total) + sum
        sum = total
    }

    /// The sum so far.
    var value: Double { sum + compensation }
}
