/// Seconds spent in each stage of an analysis. Per-frame stages running on
/// several threads count elapsed (wall) time of the stage, not thread time.
public struct StageTimes: Sendable, Hashable, Codable {
    /// Probing the input.
    public var probe = 0.0
    /// Decoding, sampling and pixel conversion.
    public var decode = 0.0
    /// Face detection.
    public var detect = 0.0
    /// Face alignment.
    public var align = 0.0
    /// Emotion classification.
    public var classify = 0.0
    /// Tracking.
    public var track = 0.0
    /// Stitching and smoothing.
    public var finish = 0.0
    /// Writing the output files.
    public var write = 0.0

    /// Zero times.
    public init() {}

    /// Adds time to the stage called `name` (a `FrameStage` name).
    mutating func add(_ seconds: Double, to name: String) {
        switch name {
        case "detect": detect += seconds
        case "align": align += seconds
        case "classify": classify += seconds
        case "track": track += seconds
        default: break
        }
    }

    /// The sum of two sets of times.
    public static func + (a: StageTimes, b: StageTimes) -> StageTimes {
        var s = StageTimes()
        s.probe = a.probe + b.probe
        s.decode = a.decode + b.decode
        s.detect = a.detect + b.detect
        s.align = a.align + b.align
        s.classify = a.classify + b.classify
        s.track = a.track + b.track
        s.finish = a.finish + b.finish
        s.write = a.write + b.write
        return s
    }

    /// Name and seconds of each stage, in pipeline order.
    public var named: [(name: String, seconds: Double)] {
        [("probe", probe), ("decode", decode), ("detect", detect), ("align", align), ("classify", classify),
         ("track", track), ("finish", finish), ("write", write)]
    }
}
