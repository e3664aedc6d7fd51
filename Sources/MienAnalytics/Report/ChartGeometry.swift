import Foundation
import MienFace

/// Turns digests into chart coordinates: SVG paths of downsampled
/// probabilities, lanes of time on screen, and time-axis ticks.
enum ChartGeometry {
    /// Each emotion's colour, in `Emotion.allCases` order.
    static let colors = ["#d62728", "#8c8c00", "#9467bd", "#ff7f0e", "#1f77b4", "#e377c2", "#7f7f7f"]

    /// The probability chart of one track over `span` seconds.
    /// A point joins the one before when its bucket is at most `maxGap` buckets further on; else the line breaks.
    static func lineChart(_ digest: TrackDigest, buckets: Int, span: Double, maxGap: Int) -> LineChart {
        let (width, height, left, right, top, bottom) = (560, 150, 34, 550, 8, 126)
        let x = { (bucket: Int) in Double(left) + (Double(bucket) + 0.5) / Double(buckets) * Double(right - left) }
        let y = { (p: Double) in Double(bottom) - p * Double(bottom - top) }
        let means = digest.means
        let lines = Emotion.allCases.indices.map { e -> ChartLine in
            var path = ""
            var previous: Int?
            var segmentLength = 0
            for (bucket, probs) in means {
                let joined = previous.map { bucket - $0 <= maxGap } ?? false
                if !joined && segmentLength == 1 { path += "h1" }
                path += (joined ? "L" : "M") + number(x(bucket)) + " " + number(y(probs[e]))
                segmentLength = joined ? segmentLength + 1 : 1
                previous = bucket
            }
            if segmentLength == 1 { path += "h1" }
            return ChartLine(name: Emotion.allCases[e].rawValue, color: colors[e], path: path)
        }
        return LineChart(width: width, height: height, plotLeft: left, plotRight: right, plotTop: top, plotBottom: bottom,
                         midY: number(y(0.5)), lines: lines,
                         ticks: ticks(span: span, left: Double(left), right: Double(right)))
    }

    /// The lanes of `digests` (in that order) over `span` seconds, `buckets` presence buckets wide;
    /// a lane breaks where the track is missing from `maxGap` buckets or more in a row.
    static func laneChart(_ digests: [TrackDigest], buckets: Int, span: Double, maxGap: Int) -> LaneChart {
        let (width, left, right, laneHeight) = (900, 70, 890, 16)
        let scale = Double(right - left) / Double(buckets)
        let lanes = digests.enumerated().map { row, digest in
            let top = 4 + row * laneHeight
            return Lane(label: "track \(digest.track)", labelY: number(Double(top) + 11.5), y: number(Double(top + 2)),
                        height: number(Double(laneHeight - 4)), color: "#4c78a8",
                        spans: digest.presenceRuns(maxGap: maxGap).map {
                            Span(x: number(Double(left) + Double($0.lowerBound) * scale), width: number(Double($0.count) * scale))
                        })
        }
        let axisY = 4 + digests.count * laneHeight + 4
        return LaneChart(width: width, height: axisY + 18, plotLeft: left, plotRight: right, axisY: axisY, lanes: lanes,
                         ticks: ticks(span: span, left: Double(left), right: Double(right)))
    }

    /// Ticks at a round step giving at most about six labels from 0 to `span`.
    static func ticks(span: Double, left: Double, right: Double) -> [AxisTick] {
        let steps: [Double] = [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400]
        let step = steps.first { span / $0 <= 6 } ?? (span / 6).rounded(.up)
        return stride(from: 0.0, through: span + 1e-9, by: step).map {
            AxisTick(x: number(left + $0 / span * (right - left)), label: clock($0))
        }
    }

    /// Seconds as `m:ss` or `h:mm:ss` (with a tenth under 10 s when not whole).
    static func clock(_ seconds: Double) -> String {
        if seconds < 10, seconds != seconds.rounded() { return String(format: "%.1fs", seconds) }
        let whole = Int(seconds.rounded())
        let (h, m, s) = (whole / 3600, whole / 60 % 60, whole % 60)
        return h > 0 ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%d:%02d", m, s)
    }

    /// A coordinate with one decimal, no trailing `.0`.
    static func number(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return tenths % 10 == 0 ? String(tenths / 10) : String(format: "%.1f", Double(tenths) / 10)
    }
}
