/// Walks a timeline alongside a video's frames, for drawing it on them.
///
/// The rule: a frame shows the faces of the record whose analysed frame
/// (`frame_t`) is the latest at or before the frame's own time (within 1 µs,
/// the timeline's rounding). With a timeline of every frame that is the
/// frame's own record; on a `--fps` grid, the frames between two analysed ones
/// keep the earlier one's faces. Frames before the first analysed frame show
/// nothing, nor do frames from an `undecodable` record's `t` (no frame was
/// analysed there: data that could not be read, or a shard that failed every
/// attempt) until the next analysed frame.
/// Frames must be asked for in time order; the timeline is read one record at a time.
public final class TimelineCursor {
    private let reader: TimelineReader
    private var current: FrameRecord?
    private var upcoming: FrameRecord?
    private var started = false

    /// A cursor at the start of `reader`'s timeline.
    public init(reader: TimelineReader) {
        self.reader = reader
    }

    /// The record a frame at `time` (seconds, the timeline's origin) shows, nil when none.
    /// - Throws: `AnalysisError.badTimeline` when a line cannot be read.
    public func record(at time: Double) throws(AnalysisError) -> FrameRecord? {
        if !started {
            started = true
            upcoming = try nextAnalysed()
        }
        while let next = upcoming, (next.frameTime ?? next.t) <= time + 1e-6 {
            current = next.frameTime == nil ? nil : next
            upcoming = try nextAnalysed()
        }
        return current
    }

    /// The next record: one with an analysed frame, or the first of a run
    /// without (the rest of that run shows the same nothing).
    private func nextAnalysed() throws(AnalysisError) -> FrameRecord? {
        let runStarted = upcoming.map { $0.frameTime == nil } ?? false
        while let record = try reader.next() {
            if record.frameTime != nil || !runStarted { return record }
        }
        return nil
    }
}
