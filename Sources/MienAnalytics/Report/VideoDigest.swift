import MienPipeline

/// One video's timeline boiled down for a report, in one streaming pass:
/// each track's digest (`TrackDigest`), its whole-video summary
/// (`TimelineSummarizer`), and the timeline's span.
struct VideoDigest {
    /// Chart buckets over the video: the most points a chart line has.
    static let chartBuckets = 300
    /// Presence buckets over the video, for the lane chart.
    static let presenceBuckets = 800

    /// Seconds the buckets span (the video's duration, or the timeline's end).
    let span: Double
    /// Whether the charts plot smoothed probabilities.
    let plotsSmoothed: Bool
    /// Lines of the timeline.
    let records: Int
    /// Digests by track id.
    private(set) var tracks: [Int: TrackDigest] = [:]
    /// Whole-video summaries by track id.
    private(set) var summaries: [Int: TrackWindowSummary] = [:]
    /// Lines of the timeline per status.
    private(set) var statusCounts: [FrameStatus: Int] = [:]

    /// Reads `input`'s timeline; `span` is the video's duration when known (else a first pass finds the timeline's end).
    /// - Throws: `AnalyticsError` for a damaged timeline or one that does not match its meta file.
    static func read(_ input: TimelineInput) throws(AnalyticsError) -> VideoDigest {
        var span = input.meta?.probe?.duration ?? 0
        var records = input.meta?.counts.records ?? 0
        if !(span > 0) || input.meta == nil {
            var (end, count) = (0.0, 0)
            try TimelineScan.read(input) { end = max(end, $0.t); count += 1 }
            (span, records) = (max(span, end), count)
        }
        let smoothed = input.meta?.smoothed ?? false
        var digest = VideoDigest(span: max(span, 1e-3), plotsSmoothed: smoothed, records: records)
        var rows: [TrackWindowSummary] = []
        let summarizer = TimelineSummarizer(video: input.name, window: nil) { rows.append($0) }
        try TimelineScan.read(input) { record in
            summarizer.add(record)
            digest.add(record)
        }
        summarizer.finish()
        for row in rows { digest.summaries[row.track] = row }
        return digest
    }

    private init(span: Double, plotsSmoothed: Bool, records: Int) {
        self.span = span
        self.plotsSmoothed = plotsSmoothed
        self.records = records
    }

    /// The most buckets a track may be missing from, among `count`, before its line or lane breaks:
    /// two sampling intervals (the timeline's lines spread evenly over the span), at least 1.
    func maxGap(of count: Int) -> Int {
        guard records > 1 else { return 1 }
        return max(1, Int((2 * Double(count) / Double(records)).rounded(.up)))
    }

    /// The bucket of `t` among `count` buckets over the span (times past the span go to the last).
    func bucket(_ t: Double, of count: Int) -> Int {
        min(count - 1, max(0, Int((t / span * Double(count)).rounded(.down))))
    }

    private mutating func add(_ record: FrameRecord) {
        statusCounts[record.status, default: 0] += 1
        let chart = bucket(record.t, of: Self.chartBuckets)
        let presence = bucket(record.t, of: Self.presenceBuckets)
        for face in record.faces {
            let probs = plotsSmoothed ? (face.smoothed?.probs ?? face.probs) : face.probs
            tracks[face.track, default: TrackDigest(track: face.track)]
                .add(face, t: record.t, frameTime: record.frameTime, probs: probs, chartBucket: chart, presenceBucket: presence)
        }
    }
}
