/// Matches a detector's faces in one image to the known (labelled) faces, the
/// way detection benchmarks count: detections in descending score order, each
/// taking the unmatched labelled face it overlaps most, if that overlap (IoU)
/// reaches the threshold. A matched detection is a true positive, an unmatched
/// one a false positive, an unmatched labelled face a miss.
public struct DetectionMatch: Sendable, Equatable {
    /// A box as `x1, y1, x2, y2` in pixels.
    public typealias Box = (x1: Double, y1: Double, x2: Double, y2: Double)

    /// For each detection (in the order given), the index of the labelled face it matched, or nil.
    public var detectionMatches: [Int?]
    /// For each labelled face, the index of the detection that matched it, or nil.
    public var truthMatches: [Int?]

    /// Matches `detections` (boxes with scores) to `truth` at `iou` or more.
    public init(detections: [(box: Box, score: Double)], truth: [Box], iou threshold: Double = 0.5) {
        detectionMatches = Array(repeating: nil, count: detections.count)
        truthMatches = Array(repeating: nil, count: truth.count)
        let order = detections.indices.sorted { detections[$0].score > detections[$1].score || (detections[$0].score == detections[$1].score && $0 < $1) }
        for d in order {
            var best: Int?
            var bestOverlap = threshold
            for t in truth.indices where truthMatches[t] == nil {
                let overlap = Self.iou(detections[d].box, truth[t])
                if overlap >= bestOverlap { (best, bestOverlap) = (t, overlap) }
            }
            if let best {
                detectionMatches[d] = best
                truthMatches[best] = d
            }
        }
    }

    /// Intersection over union of two boxes (0 when either is empty).
    public static func iou(_ a: Box, _ b: Box) -> Double {
        let w = max(0, min(a.x2, b.x2) - max(a.x1, b.x1)), h = max(0, min(a.y2, b.y2) - max(a.y1, b.y1))
        let inter = w * h
        let union = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter
        return union > 0 ? inter / union : 0
    }

    public static func == (a: DetectionMatch, b: DetectionMatch) -> Bool {
        a.detectionMatches == b.detectionMatches && a.truthMatches == b.truthMatches
    }
}
