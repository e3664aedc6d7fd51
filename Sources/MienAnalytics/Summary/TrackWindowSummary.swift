/// One row of `mien summarize`: one track over one time window of one video.
/// The columns are documented in `Jobs/schema/README.md` (Summary).
public struct TrackWindowSummary: Sendable, Hashable {
    /// The timeline's name without `.timeline.jsonl`.
    public var video: String
    /// The track id.
    public var track: Int
    /// The window's number from 0 (0 for the whole video).
    public var window: Int
    /// Where the window starts and ends, seconds (the last window ends with the timeline).
    public var start: Double
    public var end: Double
    /// Time of the track's first and last face in the window.
    public var firstSeen: Double
    public var lastSeen: Double
    /// Timeline lines of the window with the track on them.
    public var samples: Int
    /// Seconds on screen: the sum of those lines' durations (a line lasts until the next line).
    public var seconds: Double
    /// The classifier's own probabilities.
    public var raw: EmotionSummary
    /// The smoothed probabilities; nil when the timeline is not smoothed.
    public var smoothed: EmotionSummary?
}
