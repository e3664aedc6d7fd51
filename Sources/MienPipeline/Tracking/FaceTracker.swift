/// A SORT-like online face tracker: gives each detection a track id, stable
/// while the face stays in view, and kept across short disappearances.
///
/// For each sampled frame, in time order:
/// 1. Tracks unseen for more than `settings.maxGap` seconds end (time-aware:
///    the gap is measured in timestamps, so irregular sampling and dropped
///    frames count as what they are, not as frame counts).
/// 2. Every open track scores every detection (`FaceTrack.matchScore`: IoU
///    with the constant-velocity prediction, or with the last box), and
///    `IoUMatcher` pairs them greedily, best first, above
///    `settings.iouThreshold`.
///    When one of the previous frame's tracks matches nothing and the faces
///    agree on a common movement (a camera pan or zoom, `CameraShift`), each
///    track also scores by its last box moved so.
/// 3. A matched detection continues its track; each unmatched one opens a new
///    track, with ids given in input order.
///
/// Ids start at 0 and count up in order of first appearance. The tracker is a
/// value: copying it is a snapshot, assigning the copy back restores it, and
/// it is `Codable` to survive a process. The same frames always give the
/// same ids.
///
/// A tracker run over one shard gives shard-local ids; `TrackStitcher` joins
/// them into per-video ids with the same settings (see `ShardTracks`).
public struct FaceTracker: Sendable, Equatable, Codable {
    /// The association and motion settings.
    public let settings: TrackerSettings
    /// Tracks that may still be continued, in id order.
    public private(set) var openTracks: [FaceTrack] = []
    /// The id the next new track gets; also the number of tracks opened so far.
    public private(set) var nextID: Int = 0
    /// Timestamp of the latest frame given to `update`, or nil before the first.
    public private(set) var lastTime: Double?

    /// Creates a tracker with no tracks.
    public init(settings: TrackerSettings = TrackerSettings()) {
        self.settings = settings
    }

    /// Tracks one sampled frame.
    ///
    /// Frames must come in time order. A frame with no faces still matters:
    /// it lets tracks that are unseen for too long end. A `time` earlier than
    /// the previous frame's is taken as the previous frame's time (a decoder
    /// glitch must not reopen ended tracks or break a worker).
    ///
    /// - Parameters:
    ///   - time: the frame's timestamp, seconds from the start of the video.
    ///   - boxes: the faces detected in it, in any order.
    /// - Returns: the track id of each box, in the order of `boxes`.
    public mutating func update(time: Double, boxes: [FaceBox]) -> [Int] {
        let previous = lastTime
        let now = max(time, lastTime ?? time)
        lastTime = now
        openTracks.removeAll { !$0.isOpen(at: now, maxGap: settings.maxGap) }

        // [tracks, detections] score matrix
        var scores = openTracks.map { track in boxes.map { track.matchScore($0, at: now) } }
        followCamera(&scores, boxes: boxes, previous: previous)
        let matches = IoUMatcher.assign(scores: scores, threshold: settings.iouThreshold)

        var ids = [Int](repeating: -1, count: boxes.count)
        for m in matches {
            openTracks[m.track].append(boxes[m.detection], at: now)
            ids[m.detection] = openTracks[m.track].id
        }
        for (d, box) in boxes.enumerated() where ids[d] < 0 {
            openTracks.append(FaceTrack(id: nextID, box: box, time: now, settings: settings))
            ids[d] = nextID
            nextID += 1
        }
        return ids
    }

    /// When a track seen in the previous frame matches nothing, the camera may
    /// have moved the faces by more than their size (small faces first): if
    /// the faces agree on a movement (`CameraShift`: a shift, or a zoom), every
    /// track also scores each detection by the IoU of its last box moved so. Where every
    /// track matches, or standing still explains the faces as well as any
    /// shift, the scores are exactly those of `FaceTrack.matchScore`.
    private func followCamera(_ scores: inout [[Double]], boxes: [FaceBox], previous: Double?) {
        guard let previous else { return }
        let recent = openTracks.indices.filter { openTracks[$0].lastTime == previous }
        let matched = recent.filter { t in scores[t].contains { $0 >= settings.iouThreshold } }.count
        guard matched < recent.count,
              let motion = CameraShift.estimate(from: recent.map { openTracks[$0].lastBox }, to: boxes) else { return }
        for (t, track) in openTracks.enumerated() {
            let moved = motion.apply(track.lastBox)
            for (d, box) in boxes.enumerated() { scores[t][d] = max(scores[t][d], moved.iou(box)) }
        }
    }

    /// Ends every open track whose last detection is more than `maxGap`
    /// before `time`, as if an empty frame were sampled then, without moving
    /// the clock. Returns the ended tracks, in id order.
    @discardableResult
    public mutating func endTracks(unseenSince time: Double) -> [FaceTrack] {
        let ended = openTracks.filter { !$0.isOpen(at: time, maxGap: settings.maxGap) }
        openTracks.removeAll { !$0.isOpen(at: time, maxGap: settings.maxGap) }
        return ended
    }
}
