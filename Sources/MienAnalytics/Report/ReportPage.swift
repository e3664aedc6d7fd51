/// What the report's templates show, every value ready to print (the
/// template engine escapes it). Field names are the templates' tags.
struct ReportPage {
    var title: String
    var generator: String
    var folder: String
    var inputs: [InputRow]
    var videos: [VideoSection]
    var legend: [LegendEntry]
}

/// A row of the inputs table.
struct InputRow {
    var name: String
    var anchor: String
    var hasSection: Bool
    var status: String
    var statusClass: String
    var duration: String
    var faces: String
    var tracks: String
    var errors: String
}

/// An emotion's colour, for the legend and the chart lines.
struct LegendEntry {
    var name: String
    var color: String
}

/// One video's charts and table.
struct VideoSection {
    var name: String
    var anchor: String
    var smoothingNote: String
    var videoNote: String?
    var lanes: LaneChart
    var tracks: [TrackSection]
    var omittedNote: String?
    var shares: [ShareRow]
    var shareColumns: [String]
}

/// A chart of which track is on screen when: one lane per track.
struct LaneChart {
    var width: Int
    var height: Int
    var plotLeft: Int
    var plotRight: Int
    var axisY: Int
    var lanes: [Lane]
    var ticks: [AxisTick]
}

/// One track's lane.
struct Lane {
    var label: String
    var labelY: String
    var y: String
    var height: String
    var color: String
    var spans: [Span]
}

/// A stretch of time on screen, in chart pixels.
struct Span {
    var x: String
    var width: String
}

/// A labelled tick of a time axis.
struct AxisTick {
    var x: String
    var label: String
}

/// One track: thumbnail, probability chart, time on screen.
struct TrackSection {
    var label: String
    var thumbnail: String?
    var thumbnailNote: String
    var onScreen: String
    var dominant: String
    var chart: LineChart
}

/// Emotion probabilities over time.
struct LineChart {
    var width: Int
    var height: Int
    var plotLeft: Int
    var plotRight: Int
    var plotTop: Int
    var plotBottom: Int
    var midY: String
    var lines: [ChartLine]
    var ticks: [AxisTick]
}

/// One emotion's line: an SVG path, broken where the track is off screen.
struct ChartLine {
    var name: String
    var color: String
    var path: String
}

/// One track's shares in the shares table.
struct ShareRow {
    var track: String
    var onScreen: String
    var samples: String
    var dominant: String
    var valence: String
    var changes: String
    var cells: [ShareCell]
}

/// One emotion's share: percent, and a shade that grows with it.
struct ShareCell {
    var text: String
    var shade: String
}
