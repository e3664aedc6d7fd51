import MienMedia

/// One shard of a video, as a worker receives it: the time range whose
/// timestamps it records, and where to start decoding.
public struct ShardTask: Sendable, Hashable, Codable {
    /// Position in the video (0, 1, ...).
    public var index: Int
    /// Start of the recorded range, seconds (a keyframe time; 0 for the first shard).
    public var start: Double
    /// End of the recorded range (exclusive), seconds; nil for "to the end of the video".
    public var end: Double?
    /// Where decoding starts, when earlier than `start`: frames in
    /// `[warmUpStart, start)` are tracked but not recorded, so that tracks
    /// reaching into the shard carry their motion state and the stitcher can
    /// join them by shared detections (see `ShardTracks`). A keyframe time.
    public var warmUpStart: Double?
    /// Index of the first frame decoded (at `warmUpStart`, else at `start`),
    /// when the probe knew it; frame numbers count on from it.
    public var firstFrame: Int?

    /// Creates a task.
    public init(index: Int, start: Double, end: Double?, warmUpStart: Double? = nil, firstFrame: Int?) {
        self.index = index
        self.start = start
        self.end = end
        self.warmUpStart = warmUpStart
        self.firstFrame = firstFrame
    }

    /// The whole video as one shard.
    public static let wholeVideo = ShardTask(index: 0, start: 0, end: nil, firstFrame: 0)

    /// The recorded range.
    public var range: TimeRange { TimeRange(start: start, end: end ?? .infinity) }

    /// The range decoded: the warm-up and the recorded range.
    public var decodedRange: TimeRange { TimeRange(start: warmUpStart ?? start, end: end ?? .infinity) }
}
