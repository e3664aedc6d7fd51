/// Makes time run on where a stream's timestamps start again from an earlier
/// time: recordings joined end to end (`cat a.ts b.ts > c.ts`, common for
/// dash-camera segments) or a camera that restarted its clock mid-file.
/// Read as they are, the second part's times repeat the first part's, so a
/// sampling grid that has passed them drops every frame of it: half of a
/// joined recording was silently missing from its timeline.
///
/// A reset is a timestamp more than `threshold` below the highest one so far
/// (the highest after rebasing), confirmed by the next `confirmations`
/// timestamps being below it too, so that one damaged timestamp does not
/// shift the rest of the video. From a reset on, timestamps are moved by an
/// offset that puts the reset one frame interval after the highest time
/// before it. Small steps back (the reordering of B-frames in decode order,
/// jitter) stay well inside the threshold: the larger of one second and
/// ten frame intervals.
///
/// Both `PacketScan` (packets in decode order, for the probe's duration,
/// keyframes and shard planning) and `VideoReader` (frames in presentation
/// order) use it, so the probe and the decoded frames agree on times.
struct TimestampRebaser {
    /// The smallest step back taken as a reset, time-base units.
    let threshold: Int64
    /// One frame interval, time-base units (at least 1): the gap put between
    /// the last time before a reset and the first after it.
    let interval: Int64
    /// How many following timestamps must also lie below the highest so far.
    static let confirmations = 2

    /// The offset added to every timestamp from the last reset on.
    private(set) var offset: Int64 = 0
    /// Resets found so far.
    private(set) var resets = 0
    /// The highest rebased timestamp so far.
    private var highest: Int64?

    /// A rebaser for a stream with `timeBase` and frame rate `fps` (nil: unknown).
    init(timeBase: Rational, fps: Double?) {
        let interval = fps.flatMap { $0 > 0 ? 1 / $0 : nil }.flatMap { $0 <= TimestampMath.maxFrameSeconds ? $0 : nil }
        let seconds = max(1, 10 * (interval ?? 0))
        threshold = TimestampMath.ticks(seconds, timeBase: timeBase).map { max(1, $0) } ?? Int64.max
        self.interval = interval.flatMap { TimestampMath.ticks($0, timeBase: timeBase) }.map { max(1, $0) } ?? 1
    }

    /// A rebaser with explicit bounds (tests).
    init(threshold: Int64, interval: Int64) {
        self.threshold = max(1, threshold)
        self.interval = max(1, interval)
    }

    /// Whether `raw` would start a reset if the timestamps after it agree:
    /// more than `threshold` below the highest so far. Cheap: `VideoReader`
    /// decodes ahead only when this says so.
    func isCandidate(_ raw: Int64) -> Bool {
        guard let highest, let rebased = TimestampMath.sum(raw, offset) else { return false }
        let (drop, overflow) = highest.subtractingReportingOverflow(rebased)
        return overflow || drop > threshold
    }

    /// `raw` rebased, given the raw timestamps that follow it (at most
    /// `confirmations` are looked at; fewer at the end of the stream confirm
    /// with what there is).
    mutating func rebase(_ raw: Int64, followedBy next: some Sequence<Int64>) -> Int64 {
        if isCandidate(raw), let highest,
           next.prefix(Self.confirmations).allSatisfy({ isCandidate($0) }),
           let moved = TimestampMath.sum(highest, interval),
           case let (newOffset, overflow) = moved.subtractingReportingOverflow(raw), !overflow {
            offset = newOffset
            resets += 1
        }
        let rebased = TimestampMath.sum(raw, offset) ?? raw
        highest = max(highest ?? rebased, rebased)
        return rebased
    }

    /// Every timestamp of `stamps` (one stream, in the order read) rebased.
    mutating func rebase(all stamps: [Int64]) -> [Int64] {
        stamps.indices.map { i in rebase(stamps[i], followedBy: stamps[(i + 1)...]) }
    }

    /// Forgets what came before (the reader seeked): offsets start again at 0.
    mutating func restart() {
        offset = 0
        highest = nil
    }
}
