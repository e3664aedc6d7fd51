import MienPipeline

/// Reads one timeline from start to end, one record at a time, handing each
/// to `body`, and checks it against its meta file: the lines must be in time
/// order, and the record, face and track counts must be the meta file's.
public enum TimelineScan {
    /// Reads `input`'s timeline, calling `body` for every record.
    /// - Throws: `AnalyticsError` naming the file for a damaged line (with its
    ///   number), lines out of time order, or a timeline that does not match its meta file.
    public static func read(_ input: TimelineInput, _ body: (FrameRecord) throws(AnalyticsError) -> Void) throws(AnalyticsError) {
        let reader: TimelineReader
        do { reader = try TimelineReader(path: input.timelinePath) } catch { throw AnalyticsError(error.message) }
        var counts = TimelineCounts()
        var tracks = Set<Int>()
        var previousT = -Double.infinity
        while true {
            let next: FrameRecord?
            do { next = try reader.next() } catch { throw AnalyticsError(error.message) }
            guard let record = next else { break }
            guard record.t >= previousT else {
                throw AnalyticsError("\(input.timelinePath): line \(counts.records + 1) goes back in time "
                    + "(t \(record.t) after \(previousT)); a timeline's lines are in time order")
            }
            previousT = record.t
            counts.add(record, tracks: &tracks)
            try body(record)
        }
        counts.tracks = tracks.count
        try check(counts, against: input)
    }

    private static func check(_ counts: TimelineCounts, against input: TimelineInput) throws(AnalyticsError) {
        guard let meta = input.meta else { return }
        let pairs = [("records", meta.counts.records, counts.records), ("faces", meta.counts.faces, counts.faces),
                     ("tracks", meta.counts.tracks, counts.tracks)]
        if let (what, expected, found) = pairs.first(where: { $0.1 != $0.2 }) {
            throw AnalyticsError("\(input.timelinePath) does not match its meta file \(input.metaPath): "
                + "the meta file counts \(expected) \(what), the timeline has \(found) "
                + "(a timeline of another run, or one cut short?)")
        }
    }
}
