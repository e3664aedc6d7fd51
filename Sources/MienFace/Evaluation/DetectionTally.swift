/// Precision and recall of a detector over many labelled images, at several
/// score thresholds at once, with recall split by the labelled faces' size.
///
/// Feed it every image's detections at the lowest threshold of interest; for
/// each threshold it keeps only the detections scoring at least that much and
/// matches them afresh (`DetectionMatch`), so each row is what the detector
/// would give with that threshold.
public struct DetectionTally: Sendable {
    /// Counts at one score threshold.
    public struct Counts: Sendable, Equatable {
        /// Detections matched to a labelled face.
        public var truePositives = 0
        /// Detections matched to none.
        public var falsePositives = 0
        /// Labelled faces no detection matched.
        public var misses = 0
        /// Labelled faces per size bucket (`sizeBuckets`), and how many of them were found.
        public var labelledBySize: [Int]
        public var foundBySize: [Int]

        init(buckets: Int) {
            labelledBySize = Array(repeating: 0, count: buckets)
            foundBySize = Array(repeating: 0, count: buckets)
        }

        /// True positives over all detections (1 when there were none).
        public var precision: Double {
            truePositives + falsePositives == 0 ? 1 : Double(truePositives) / Double(truePositives + falsePositives)
        }
        /// Found labelled faces over all labelled faces (1 when there were none).
        public var recall: Double {
            truePositives + misses == 0 ? 1 : Double(truePositives) / Double(truePositives + misses)
        }
        /// Recall over the buckets `from...` (faces at least that bucket's lower bound).
        public func recall(fromBucket first: Int) -> Double {
            let labelled = labelledBySize[first...].reduce(0, +), found = foundBySize[first...].reduce(0, +)
            return labelled == 0 ? 1 : Double(found) / Double(labelled)
        }
    }

    /// The score thresholds, ascending.
    public let thresholds: [Double]
    /// Lower bounds of the size buckets, pixels of face height, ascending from 0.
    public let sizeBuckets: [Double]
    /// IoU a detection needs with a labelled face to count as found.
    public let iou: Double
    /// One row per threshold.
    public private(set) var counts: [Counts]
    /// Images tallied.
    public private(set) var images = 0

    /// A tally at `thresholds`; `sizeBuckets` must start at 0.
    public init(thresholds: [Double], sizeBuckets: [Double] = [0, 16, 24, 48, 96], iou: Double = 0.5) {
        precondition(!thresholds.isEmpty && sizeBuckets.first == 0)
        self.thresholds = thresholds.sorted()
        self.sizeBuckets = sizeBuckets
        self.iou = iou
        counts = Array(repeating: Counts(buckets: sizeBuckets.count), count: thresholds.count)
    }

    /// The bucket of a face `height` pixels high.
    public func bucket(ofHeight height: Double) -> Int {
        sizeBuckets.lastIndex { height >= $0 } ?? 0
    }

    /// Adds one image: its detections and its labelled faces.
    public mutating func add(detections: [FaceDetection], truth: [DetectionMatch.Box]) {
        images += 1
        for (row, threshold) in thresholds.enumerated() {
            let kept = detections.filter { $0.score >= threshold }
            let match = DetectionMatch(detections: kept.map { ((x1: $0.x1, y1: $0.y1, x2: $0.x2, y2: $0.y2), $0.score) },
                                       truth: truth, iou: iou)
            var c = counts[row]
            let found = match.truthMatches.filter { $0 != nil }.count
            c.truePositives += found
            c.falsePositives += kept.count - found
            c.misses += truth.count - found
            for (t, box) in truth.enumerated() {
                let b = bucket(ofHeight: box.y2 - box.y1)
                c.labelledBySize[b] += 1
                if match.truthMatches[t] != nil { c.foundBySize[b] += 1 }
            }
            counts[row] = c
        }
    }
}
