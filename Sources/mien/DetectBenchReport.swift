import Foundation
import MienFace

/// The text and JSON of `mien bench detect`.
enum DetectBenchReport {
    /// One detector's rows: a line per score threshold, then each clip at the lowest threshold that keeps 99% precision.
    static func table(kind: DetectorKind, title: String, tally: DetectionTally, msPerFrame: Double,
                      perClip: [(String, DetectionTally, Double)]) -> String {
        let from24 = tally.bucket(ofHeight: 24)
        var out = "\(kind.rawValue) on \(title), IoU 0.5, \(String(format: "%.1f", msPerFrame)) ms per frame (1 thread)\n"
        out += "threshold  precision  recall  recall>=24px  true  false  missed\n"
        for (threshold, c) in zip(tally.thresholds, tally.counts) {
            out += String(format: "%9.2f  %8.2f%%  %5.2f%%  %11.2f%%  %4d  %5d  %6d\n", threshold, 100 * c.precision, 100 * c.recall,
                          100 * c.recall(fromBucket: from24), c.truePositives, c.falsePositives, c.misses)
        }
        out += "recall by face height: " + tally.sizeBuckets.enumerated().map { i, lower in
            let c = tally.counts[0]
            let upper = i + 1 < tally.sizeBuckets.count ? "\(Int(tally.sizeBuckets[i + 1]))" : ""
            let r = c.labelledBySize[i] == 0 ? "-" : String(format: "%.1f%%", 100 * Double(c.foundBySize[i]) / Double(c.labelledBySize[i]))
            return "\(Int(lower))-\(upper) px \(r) of \(c.labelledBySize[i])"
        }.joined(separator: ", ") + " (at \(tally.thresholds[0]))\n"
        out += "per clip at each threshold: precision / recall\n"
        for (name, t, ms) in perClip {
            out += "  \(name) (\(String(format: "%.1f", ms)) ms/frame): " + zip(t.thresholds, t.counts).map { th, c in
                String(format: "%.2f: %.1f/%.1f", th, 100 * c.precision, 100 * c.recall)
            }.joined(separator: "  ") + "\n"
        }
        return out
    }

    /// One JSON line: every threshold's counts.
    static func json(kind: DetectorKind, set: String, tally: DetectionTally, msPerFrame: Double) -> String {
        let rows = zip(tally.thresholds, tally.counts).map { threshold, c in
            #"{"threshold":\#(threshold),"precision":\#(c.precision),"recall":\#(c.recall),"true":\#(c.truePositives),"false":\#(c.falsePositives),"missed":\#(c.misses),"labelled_by_size":\#(c.labelledBySize),"found_by_size":\#(c.foundBySize)}"#
        }
        return #"{"detector":"\#(kind.rawValue)","set":"\#(set)","images":\#(tally.images),"ms_per_frame":\#(msPerFrame),"size_buckets":\#(tally.sizeBuckets),"rows":[\#(rows.joined(separator: ","))]}"#
    }
}
