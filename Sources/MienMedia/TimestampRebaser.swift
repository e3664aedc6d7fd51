/// Makes time run on where a stream's timestamps start again from an earlier
/// time: recordings joined end to end (`cat a.ts b.ts > c.ts`, common for
/// dash-camera segments) or a camera that restarted its clock mid-file.
/// Read as they are, the second part's times repeat the first part's, so a
/// sampling grid that has passed them drops every frame of it: half of a
/// joined recording was silently missing from its timeline.
///
/// A reset is a keyframe (a joined part starts with one) whose timestamp in
/// reading order lies more than `threshold` below the highest so far (after
/// rebasing), confirmed by the next `confirmations` timestamps being below
/// it too, so that one damaged timestamp does not shift the rest of the
/// video. The reading-order timestamp never goes back within a recording:
/// the decode timestamp for packets (in decode order, the presentation
/// timestamps of B-frames come after a later P-frame's, which after a pause
/// in a variable-rate recording would look like a reset), the presentation
/// timestamp for decoded frames. From a reset on, timestamps are moved by
/// an offset that puts the reset's presentation time one frame interval
/// after the highest before it. Small steps back (jitter) stay well inside
/// the threshold: the larger of one second and ten frame intervals.
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
    /// The highest rebased presentation timestamp so far.
    private var highest: Int64?
    /// The highest rebased reading-order timestamp so far.
    private var highestOrder: Int64?

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

    /// Whether the reading-order timestamp `order` lies more than `threshold`
    /// below the highest so far. Cheap: `VideoReader` decodes ahead only for
    /// a keyframe of which this says so.
    func isBelow(_ order: Int64) -> Bool {
        guard let highestOrder, let rebased = TimestampMath.sum(order, offset) else { return false }
        let (drop, overflow) = highestOrder.subtractingReportingOverflow(rebased)
        return overflow || drop > threshold
    }

    /// `pts` rebased. `order` is its reading-order timestamp (see the type's
    /// notes), `keyframe` whether it starts a group of pictures, `next` the
    /// reading-order timestamps that follow (at most `confirmations` are
    /// looked at; at least one is needed, so the last timestamp of a stream
    /// never starts a reset).
    mutating func rebase(_ pts: Int64, order: Int64, keyframe: Bool, followedBy next: some Sequence<Int64>) -> Int64 {
        if keyframe, isBelow(order), let highest {
            let following = Array(next.prefix(Self.confirmations))
            if !following.isEmpty, following.allSatisfy({ isBelow($0) }),
               let moved = TimestampMath.sum(highest, interval),
               case let (newOffset, overflow) = moved.subtractingReportingOverflow(pts), !overflow {
                offset = newOffset
                resets += 1
            }
        }
        let rebased = TimestampMath.sum(pts, offset) ?? pts
        highest = max(highest ?? rebased, rebased)
        let rebasedOrder = TimestampMath.sum(order, offset) ?? order
        highestOrder = max(highestOrder ?? rebasedOrder, rebasedOrder)
        return rebased
    }

    /// Every presentation timestamp of one stream rebased, in the order read;
    /// `orders` are their reading-order timestamps (default: `pts`),
    /// `keyframes` which start a group of pictures (default: all).
    mutating func rebase(all pts: [Int64], orders: [Int64]? = nil, keyframes: [Bool]? = nil) -> [Int64] {
        let orders = orders ?? pts
        return pts.indices.map { i in
            rebase(pts[i], order: orders[i], keyframe: keyframes?[i] ?? true, followedBy: orders[(i + 1)...])
        }
    }

    /// Forgets what came before (the reader seeked): offsets start again at 0.
    mutating func restart() {
        offset = 0
        highest = nil
        highestOrder = nil
    }
}
