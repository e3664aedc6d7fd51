/// Gives each face a track id, in time order (`FaceTracker`), and records the
/// observations a shard's stitching needs (`ShardTracks`).
struct TrackingStage: FrameStage {
    let name = "track"
    let settings: TrackerSettings
    private(set) var tracker: FaceTracker
    /// Ids handed out by trackers of earlier streams or resets, so ids stay unique.
    private var idOffset = 0
    private(set) var shard: ShardTracks

    init(settings: TrackerSettings, start: Double) {
        self.settings = settings
        tracker = FaceTracker(settings: settings)
        shard = ShardTracks(start: start)
    }

    mutating func startStream() {
        tracker = FaceTracker(settings: settings)
        idOffset = 0
        shard = ShardTracks(start: shard.start)
    }

    mutating func process(_ batch: inout [FrameWork]) throws {
        for i in batch.indices where batch[i].isAnalysable {
            if let last = tracker.lastTime, batch[i].t < last { reset(at: batch[i].t) }
            let boxes = batch[i].detections.map(FaceBox.init)
            let ids = tracker.update(time: batch[i].t, boxes: boxes).map { $0 + idOffset }
            batch[i].tracks = ids
            if batch[i].isWarmUp {
                shard.appendWarmUp(time: batch[i].t, tracks: ids, boxes: boxes)
            } else {
                shard.append(time: batch[i].t, tracks: ids, boxes: boxes)
            }
        }
    }

    /// Timestamps went backwards: every open track ends; new ones get fresh ids.
    mutating func reset(at time: Double) {
        idOffset += tracker.nextID
        tracker = FaceTracker(settings: settings)
    }
}
