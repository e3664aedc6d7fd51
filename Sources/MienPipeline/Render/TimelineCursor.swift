/// Walks a timeline alongside a video's frames, for drawing it on them.
///
/// The rule: a frame shows the faces of the record whose analysed frame
/// (`frame_t`) is the latest at or before the frame's own time (within 1 µs,
/// the timeline's rounding). With a timeline of every frame that is the
/// frame's own record; on a `--fps` grid, the frames between two analysed ones
/// keep the earlier one's faces. Frames before the first analysed frame show
/// nothing, and records without a frame (`undecodable`) are passed over.
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
        while let next = upcoming, let frameTime = next.frameTime, frameTime <= time + 1e-6 {
            current = next
            upcoming = try nextAnalysed()
        }
        return current
    }

    /// The next record that has an analysed frame.
    private func nextAnalysed() throws(AnalysisError) -> FrameRecord? {
        while let record = try reader.next() {
            if record.frameTime != nil { return record }
        }
        return nil
    }
}
