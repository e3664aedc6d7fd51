/// The knobs shared by `FaceTracker` (inside a shard) and `TrackStitcher`
/// (across shard edges). Both must use the same values, or a video tracked in
/// shards would not split into the same tracks as the whole video.
public struct TrackerSettings: Sendable, Equatable, Hashable, Codable {
    /// Least match score (an IoU, see `FaceTrack.matchScore`) for a detection
    /// to continue a track. Default 0.3, SORT's value: a face box moves much
    /// less than its own size between samples even at a few samples a second.
    public var iouThreshold: Double
    /// Longest time (seconds) a track may go unseen and still be continued;
    /// after that it ends and the face gets a new track. Default 1 s.
    public var maxGap: Double
    /// Position gain of the motion filter (see `BoxMotionFilter`).
    public var alpha: Double
    /// Velocity gain of the motion filter (see `BoxMotionFilter`).
    public var beta: Double

    /// Creates settings; the defaults suit sampling at 2 to 30 frames a second.
    public init(iouThreshold: Double = 0.3, maxGap: Double = 1.0, alpha: Double = 0.6, beta: Double = 0.2) {
        self.iouThreshold = iouThreshold
        self.maxGap = maxGap
        self.alpha = alpha
        self.beta = beta
    }

    /// Tolerance for comparing timestamps with `maxGap`: sampled times are sums
    /// and quotients of decimals, so `2.3 - 1.3` may read 0.9999999999999998.
    static let timeTolerance = 1e-9
}
