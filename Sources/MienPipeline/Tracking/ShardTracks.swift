/// What `FaceTracker` found in one shard (a time range of a video), in the
/// form `TrackStitcher` joins across shard edges: every detection with its
/// time, its shard-local track id and its box.
///
/// A worker tracks its shard with a fresh `FaceTracker`, so local ids start at
/// 0 in every shard; the stitcher maps `(shard, local id)` to a per-video id.
/// Empty frames need no observation: the stitcher reads gaps from timestamps.
///
/// Optionally a worker also tracks a warm-up: the frames of a short range
/// just before `start` (about `maxGap`, 1 s), recorded in `warmUp` but not
/// written to the timeline. The warm-up gives the tracker its motion state at
/// the edge (so faces crossing near an edge are followed as a whole-video run
/// would) and lets the stitcher join tracks by detections both shards saw,
/// instead of by box overlap alone.
public struct ShardTracks: Sendable, Equatable, Codable {
    /// One detection: when, which local track, where.
    public struct Observation: Sendable, Equatable, Codable {
        /// Timestamp, seconds from the start of the video.
        public var time: Double
        /// Shard-local track id, as `FaceTracker.update` returned it.
        public var track: Int
        /// The detected box.
        public var box: FaceBox

        /// Creates an observation.
        public init(time: Double, track: Int, box: FaceBox) {
            self.time = time
            self.track = track
            self.box = box
        }
    }

    /// Start of the shard's time range, seconds: orders shards for stitching.
    public var start: Double
    /// The detections, in time order (the order `FaceTracker` saw them).
    public var observations: [Observation]
    /// The warm-up's detections (all before `start`), in time order; empty
    /// when the shard was tracked without a warm-up.
    public var warmUp: [Observation]

    /// Creates a shard's record.
    public init(start: Double, observations: [Observation] = [], warmUp: [Observation] = []) {
        self.start = start
        self.observations = observations
        self.warmUp = warmUp
    }

    /// Records one tracked frame: `tracks[i]` is the local id of `boxes[i]`,
    /// as `FaceTracker.update(time:boxes:)` returned them.
    public mutating func append(time: Double, tracks: [Int], boxes: [FaceBox]) {
        precondition(tracks.count == boxes.count, "one track id per box: \(tracks.count) ids, \(boxes.count) boxes")
        for (track, box) in zip(tracks, boxes) {
            observations.append(Observation(time: time, track: track, box: box))
        }
    }

    /// Records one tracked warm-up frame (before `start`), as `append` does.
    public mutating func appendWarmUp(time: Double, tracks: [Int], boxes: [FaceBox]) {
        precondition(tracks.count == boxes.count, "one track id per box: \(tracks.count) ids, \(boxes.count) boxes")
        for (track, box) in zip(tracks, boxes) {
            warmUp.append(Observation(time: time, track: track, box: box))
        }
    }

    /// A local track's detections, in time order.
    struct LocalTrack {
        var id: Int
        var observations: [Observation]
        /// The track's latest warm-up detection, if it began in the warm-up.
        var lastWarmUp: Observation?
        var firstTime: Double { observations[0].time }
        var firstBox: FaceBox { observations[0].box }
    }

    /// The local tracks, ordered by first appearance (time, then id, which
    /// within one frame is input order).
    func localTracks() -> [LocalTrack] {
        var byID: [Int: [Observation]] = [:]
        for o in observations { byID[o.track, default: []].append(o) }
        var lastWarmUp: [Int: Observation] = [:]
        for o in warmUp where lastWarmUp[o.track].map({ $0.time <= o.time }) ?? true { lastWarmUp[o.track] = o }
        let tracks = byID.map { id, obs in
            // Stable order by time; observations are appended in time order already.
            LocalTrack(id: id, observations: obs.enumerated().sorted {
                $0.element.time != $1.element.time ? $0.element.time < $1.element.time : $0.offset < $1.offset
            }.map(\.element), lastWarmUp: lastWarmUp[id])
        }
        return tracks.sorted { a, b in
            a.firstTime != b.firstTime ? a.firstTime < b.firstTime : a.id < b.id
        }
    }
}

extension FaceTracker {
    /// Tracks one shard from scratch and records it for stitching.
    ///
    /// - Parameters:
    ///   - start: the shard's start time, seconds.
    ///   - warmUp: frames before `start` to track first, not returned
    ///     (the previous shard's last second or so; empty for none).
    ///   - frames: the shard's sampled frames in time order: timestamp and
    ///     detected boxes (empty frames included or not, it makes no difference).
    ///   - settings: must equal the settings given to `TrackStitcher`.
    /// - Returns: the local ids of each of `frames`' boxes, and the shard's record.
    public static func trackShard(
        start: Double, warmUp: [(time: Double, boxes: [FaceBox])] = [], frames: [(time: Double, boxes: [FaceBox])],
        settings: TrackerSettings = TrackerSettings()
    ) -> (ids: [[Int]], shard: ShardTracks) {
        var tracker = FaceTracker(settings: settings)
        var shard = ShardTracks(start: start)
        for frame in warmUp {
            shard.appendWarmUp(time: frame.time, tracks: tracker.update(time: frame.time, boxes: frame.boxes), boxes: frame.boxes)
        }
        let ids = frames.map { frame in
            let ids = tracker.update(time: frame.time, boxes: frame.boxes)
            shard.append(time: frame.time, tracks: ids, boxes: frame.boxes)
            return ids
        }
        return (ids, shard)
    }
}
