/// A half-open span of stream time `[start, end)`, in seconds from the stream's first frame.
public struct TimeRange: Sendable, Hashable, Codable, CustomStringConvertible {
    /// First time included.
    public var start: Double
    /// First time excluded; `.infinity` for "to the end".
    public var end: Double

    /// The whole stream.
    public static let all = TimeRange(start: 0, end: .infinity)

    /// Creates `[start, end)`.
    public init(start: Double, end: Double) {
        self.start = start
        self.end = end
    }

    /// Whether the range is non-empty and starts at or after 0.
    public var isValid: Bool { start >= 0 && end > start && !start.isNaN }

    /// Whether `time` lies in the range, with `TimeRange.tolerance` for rounding.
    public func contains(_ time: Double) -> Bool {
        time >= start - Self.tolerance && time < end - Self.tolerance
    }

    /// Times closer than this (one microsecond) are treated as equal, so that a
    /// grid point and a frame time that differ only by floating-point rounding match.
    public static let tolerance = 1e-6

    /// "[start, end)".
    public var description: String { "[\(start), \(end))" }
}

/// Which frames a read delivers.
public enum Sampling: Sendable, Hashable {
    /// Every decoded frame in the range.
    case everyFrame
    /// One frame per point of the grid `t_k = k / fps` in the range: the last
    /// frame at or before `t_k` (the first frame, for grid points before it).
    case grid(fps: Double)
}
