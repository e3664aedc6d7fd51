import MienMedia

/// What analysing one time range of a video gives: its records with
/// shard-local track ids, the observations that stitch them across shard
/// edges, and what it cost. `Codable`, so a worker can hand it to a store.
public struct ShardResult: Sendable, Equatable, Codable {
    /// The shard analysed.
    public var task: ShardTask
    /// One record per sampled timestamp in the range, in time order; track ids are shard-local.
    public var records: [FrameRecord]
    /// The detections by local track, for `TrackStitcher`.
    public var tracks: ShardTracks
    /// Decoder counts (damaged or skipped data).
    public var decode: DecodeStats
    /// Why reading stopped before the end of the range, if it did.
    public var readError: String?
    /// Seconds per stage.
    public var times: StageTimes
    /// Wall-clock seconds the shard took.
    public var seconds: Double
    /// The models that analysed it.
    public var models: ModelSummary?

    /// Creates a result.
    public init(task: ShardTask, records: [FrameRecord], tracks: ShardTracks, decode: DecodeStats,
                readError: String?, times: StageTimes, seconds: Double = 0, models: ModelSummary? = nil) {
        self.task = task
        self.records = records
        self.tracks = tracks
        self.decode = decode
        self.readError = readError
        self.times = times
        self.seconds = seconds
        self.models = models
    }
}
