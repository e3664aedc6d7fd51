/// Arithmetic on the numbers a container's headers, index and packets carry.
///
/// Those numbers come from the file and can be anything a 64-bit field holds:
/// a crafted or damaged file gives timestamps whose difference overflows,
/// durations of centuries, byte positions past the end of any file. Swift traps
/// on integer overflow and on converting an infinite or out-of-range `Double`
/// to an integer, so every such computation goes through here, where it gives
/// nil instead, for the caller to report (`MediaError.Code.badHeader`) or to
/// treat the value as unknown.
enum TimestampMath {
    /// The longest span of stream time taken as real: 10^7 s, about 116 days.
    /// A duration or a time from the start beyond it is a damaged header; it
    /// also keeps grid indices far inside `Int` (at `maxGridFPS`, 10^13).
    static let maxSeconds = 1e7

    /// The longest a single frame is taken to show (one hour): a frame duration
    /// or frame interval from the file beyond it is treated as unknown, so that
    /// a sampling grid is not filled for days from one frame.
    static let maxFrameSeconds = 3600.0

    /// The highest sampling rate `VideoReader.read` accepts, a million grid points
    /// a second: with `maxSeconds`, grid indices stay far inside `Int`.
    static let maxGridFPS = 1e6

    /// `(ticks - origin)` time-base units in seconds, or nil when the difference
    /// overflows 64 bits or the result lies beyond `maxSeconds` either way.
    static func seconds(_ ticks: Int64, from origin: Int64, timeBase: Rational) -> Double? {
        let (difference, overflow) = ticks.subtractingReportingOverflow(origin)
        guard !overflow else { return nil }
        return seconds(difference, timeBase: timeBase)
    }

    /// `ticks` time-base units in seconds, or nil beyond `maxSeconds` either way.
    static func seconds(_ ticks: Int64, timeBase: Rational) -> Double? {
        let value = Double(ticks) * timeBase.value
        return value.isFinite && value.magnitude <= maxSeconds ? value : nil
    }

    /// `seconds` in time-base units (rounded down), or nil when the time base is
    /// invalid or the result does not fit 64 bits.
    static func ticks(_ seconds: Double, timeBase: Rational) -> Int64? {
        guard timeBase.isValid else { return nil }
        return int64((seconds / timeBase.value).rounded(.down))
    }

    /// `value` as an `Int64` when it is finite and in range; nil otherwise
    /// (where `Int64(value)` would trap). `value` should already be rounded.
    static func int64(_ value: Double) -> Int64? {
        // 2^63 is exact in a Double; Int64.max is not (it rounds up to 2^63).
        guard value.isFinite, value >= -0x1p63, value < 0x1p63 else { return nil }
        return Int64(value)
    }

    /// `value` as an `Int` when it is finite and in range; nil otherwise.
    static func int(_ value: Double) -> Int? {
        int64(value).flatMap { Int(exactly: $0) }
    }

    /// `a + b`, or nil when it overflows.
    static func sum(_ a: Int64, _ b: Int64) -> Int64? {
        let (total, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : total
    }

    /// A time base for messages: "1/90000", or "invalid (0/0)".
    static func describe(_ timeBase: Rational) -> String {
        timeBase.isValid ? timeBase.description : "invalid (\(timeBase))"
    }
}
