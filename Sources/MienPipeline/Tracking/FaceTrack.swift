/// One face followed over time: its id, its motion filter and when it was
/// first and last seen. `FaceTracker` keeps one per open track;
/// `TrackStitcher` keeps one per global track, so both score a candidate
/// detection the same way.
public struct FaceTrack: Sendable, Equatable, Codable {
    /// The track's id: per video from `FaceTracker`, per video from `TrackStitcher`.
    public let id: Int
    /// Time (seconds) of the first detection.
    public let firstTime: Double
    /// Time (seconds) of the latest detection.
    public private(set) var lastTime: Double
    /// The latest detected box, as measured (not filtered).
    public private(set) var lastBox: FaceBox
    /// How many detections the track holds.
    public private(set) var hits: Int
    /// The motion model.
    public private(set) var filter: BoxMotionFilter

    /// Opens a track at its first detection.
    public init(id: Int, box: FaceBox, time: Double, settings: TrackerSettings) {
        self.id = id
        self.firstTime = time
        self.lastTime = time
        self.lastBox = box
        self.hits = 1
        self.filter = BoxMotionFilter(box: box, time: time, alpha: settings.alpha, beta: settings.beta)
    }

    /// Whether a detection at `time` may still continue this track: the gap
    /// since the last detection is at most `maxGap`.
    public func isOpen(at time: Double, maxGap: Double) -> Bool {
        time - lastTime <= maxGap + TrackerSettings.timeTolerance
    }

    /// How well `box`, detected at `time`, continues this track: the larger of
    /// its IoU with the box predicted at `time` and its IoU with the last
    /// detected box.
    ///
    /// The prediction follows a face that moves while unseen; the last box
    /// catches a face that stopped (or was standing still, its velocity being
    /// only noise) while hidden, which a constant-velocity guess carried across
    /// a long gap would miss.
    public func matchScore(_ box: FaceBox, at time: Double) -> Double {
        max(filter.predicted(at: time).iou(box), lastBox.iou(box))
    }

    /// Adds a detection to the track.
    public mutating func append(_ box: FaceBox, at time: Double) {
        filter.update(box: box, time: time)
        lastBox = box
        lastTime = max(lastTime, time)
        hits += 1
    }
}
