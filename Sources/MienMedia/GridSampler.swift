/// Chooses which decoded frame stands for each point of a time grid `t_k = k / fps`.
///
/// Frames are pushed in presentation order. Each grid point in the range takes
/// the last frame whose time is at or before it; grid points before the first
/// frame take the first frame. The same video therefore gives the same frame
/// for each grid point however the work is split into ranges, provided each
/// range starts decoding at or before the frame that covers its first point.
/// Holds at most one frame.
public struct GridSampler<Item> {
    /// One grid point and the frame chosen for it.
    public struct Pick {
        /// Grid index `k`.
        public let index: Int
        /// Grid time `k / fps`.
        public let time: Double
        /// The chosen frame's time.
        public let frameTime: Double
        /// The chosen frame.
        public let item: Item
    }

    /// Sampling rate in grid points per second.
    public let fps: Double
    /// The grid points considered.
    public let range: TimeRange
    private var nextIndex: Int
    private var previous: (time: Double, item: Item)?

    /// Creates a sampler for grid points of `range` (`fps` must be positive and finite).
    /// A range starting too far out for the grid index to fit an `Int` has no grid points.
    public init(fps: Double, range: TimeRange) {
        precondition(fps > 0 && fps.isFinite, "grid fps must be positive")
        self.fps = fps
        self.range = range
        let first = ((range.start - TimeRange.tolerance) * fps).rounded(.up)
        self.nextIndex = TimestampMath.int(first) ?? (first > 0 ? Int.max / 2 : 0)
    }

    /// Time of grid point `k`.
    public func gridTime(_ k: Int) -> Double { Double(k) / fps }

    /// Whether every grid point of the range has been given a frame.
    public var isDone: Bool { gridTime(nextIndex) >= range.end - TimeRange.tolerance }

    /// Takes the next frame and hands `each` the grid points it settles (those
    /// before it), one at a time: a long gap between two frames (a damaged
    /// timestamp can make one of days) costs no memory here.
    public mutating func push(time: Double, item: Item, _ each: (Pick) throws -> Void) rethrows {
        while !isDone && gridTime(nextIndex) < time - TimeRange.tolerance {
            let chosen = previous ?? (time, item)
            let pick = Pick(index: nextIndex, time: gridTime(nextIndex), frameTime: chosen.time, item: chosen.item)
            nextIndex += 1
            try each(pick)
        }
        previous = (time, item)
    }

    /// Takes the next frame and returns the grid points it settles (those before it).
    public mutating func push(time: Double, item: Item) -> [Pick] {
        var picks: [Pick] = []
        push(time: time, item: item) { picks.append($0) }
        return picks
    }

    /// At the end of the stream: hands `each` the remaining grid points up to
    /// `streamEnd` (the end of the last frame), which take the last frame.
    public mutating func finish(streamEnd: Double, _ each: (Pick) throws -> Void) rethrows {
        guard let last = previous else { return }
        while !isDone {
            let t = gridTime(nextIndex)
            guard t < streamEnd - TimeRange.tolerance || t <= last.time + TimeRange.tolerance else { break }
            let pick = Pick(index: nextIndex, time: t, frameTime: last.time, item: last.item)
            nextIndex += 1
            try each(pick)
        }
    }

    /// At the end of the stream: the remaining grid points up to `streamEnd`
    /// (the end of the last frame), which take the last frame.
    public mutating func finish(streamEnd: Double) -> [Pick] {
        var picks: [Pick] = []
        finish(streamEnd: streamEnd) { picks.append($0) }
        return picks
    }
}
