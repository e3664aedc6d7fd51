import MienFace
import MienPipeline

/// Aggregates a timeline per track and per time window, one record at a time.
///
/// ```swift
/// let summarizer = TimelineSummarizer(video: "clip", window: 60) { row in print(row) }
/// while let record = try reader.next() { summarizer.add(record) }
/// summarizer.finish()
/// ```
/// Records must come in time order (as timelines are written). A line lasts
/// until the next line's `t` (the last line as long as the one before it), and
/// counts wholly in the window its `t` falls in. Rows of a window are handed
/// to `emit` as soon as a later window starts, ordered by track, so memory
/// holds one window's tracks whatever the timeline's length.
public final class TimelineSummarizer {
    /// The timeline's name in every row.
    public let video: String
    /// Window length in seconds; nil for one window over the whole video.
    public let window: Double?

    private let emit: (TrackWindowSummary) -> Void
    private var pending: FrameRecord?
    private var lastDuration = 0.0
    private var currentWindow = 0
    private var tallies: [Int: TrackTally] = [:]
    private var previousRaw: [Int: Emotion] = [:]
    private var previousSmoothed: [Int: Emotion] = [:]

    /// Summarises `video` in windows of `window` seconds (nil: the whole video), handing each row to `emit`.
    public init(video: String, window: Double?, emit: @escaping (TrackWindowSummary) -> Void) {
        self.video = video
        self.window = window
        self.emit = emit
    }

    /// Adds the next record of the timeline.
    public func add(_ record: FrameRecord) {
        if let pending { count(pending, duration: max(0, record.t - pending.t)) }
        pending = record
    }

    /// Counts the last record and emits the rows not yet emitted.
    public func finish() {
        guard let last = pending else { return }
        count(last, duration: lastDuration)
        pending = nil
        flush(end: last.t + lastDuration)
    }

    private func windowIndex(_ t: Double) -> Int {
        guard let window, window > 0 else { return 0 }
        return Int((t / window).rounded(.down))
    }

    private func count(_ record: FrameRecord, duration: Double) {
        lastDuration = duration
        let index = windowIndex(record.t)
        if index != currentWindow {
            flush(end: nil)
            currentWindow = index
        }
        for face in record.faces {
            var tally = tallies[face.track] ?? TrackTally(firstSeen: record.t)
            tally.lastSeen = record.t
            tally.samples += 1
            tally.seconds += duration
            tally.raw.add(label: face.emotion, probs: face.probs, previous: previousRaw[face.track])
            previousRaw[face.track] = face.emotion
            if let smoothed = face.smoothed {
                tally.smoothed.add(label: smoothed.emotion, probs: smoothed.probs, previous: previousSmoothed[face.track])
                previousSmoothed[face.track] = smoothed.emotion
            }
            tallies[face.track] = tally
        }
    }

    /// Emits the current window's rows; `end` is the timeline's end when it is the last window.
    private func flush(end: Double?) {
        let start = window.map { Double(currentWindow) * $0 } ?? 0
        var windowEnd = window.map { start + $0 } ?? (end ?? 0)
        if let end { windowEnd = min(windowEnd, max(end, start)) }
        for track in tallies.keys.sorted() {
            let tally = tallies[track]!
            guard let raw = tally.raw.summary else { continue }
            emit(TrackWindowSummary(
                video: video, track: track, window: currentWindow, start: start, end: windowEnd,
                firstSeen: tally.firstSeen, lastSeen: tally.lastSeen, samples: tally.samples, seconds: tally.seconds,
                raw: raw, smoothed: tally.smoothed.summary))
        }
        tallies = [:]
    }
}

/// One track's sums within one window.
private struct TrackTally {
    var firstSeen: Double
    var lastSeen: Double
    var samples = 0
    var seconds = 0.0
    var raw = EmotionTally()
    var smoothed = EmotionTally()

    init(firstSeen: Double) {
        self.firstSeen = firstSeen
        lastSeen = firstSeen
    }
}
