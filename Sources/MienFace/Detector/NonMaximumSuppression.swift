/// The two non-maximum suppressions of facenet-pytorch's cascade, each a
/// greedy pass in descending score order that returns the kept indices in
/// that order (ties keep their input order).
///
/// * `.iou`: torchvision's `nms`: areas `(x2 - x1) * (y2 - y1)` without +1,
///   overlap `inter / (area_i + area_j - inter)` in float32, suppressed when
///   above the threshold (compared in double, as torchvision does).
/// * `.minimum`: facenet-pytorch's numpy `nms` with method "Min": areas and
///   intersections with +1, overlap `inter / min(area_i, area_j)`, kept when
///   at most the threshold (compared in float32, as numpy 1.x does).
enum NonMaximumSuppression {
    enum Overlap: Sendable { case iou, minimum }

    /// The indices of `boxes` kept, highest score first. The fast path: boxes
    /// are copied into score order as separate coordinate arrays, so the inner
    /// loop runs over contiguous floats.
    static func keep(_ boxes: [CandidateBox], threshold: Double, overlap: Overlap) -> [Int] {
        let order = descendingOrder(boxes)
        let n = order.count
        guard n > 1 else { return order }
        let plusOne: Float = overlap == .iou ? 0 : 1
        var x1 = [Float](), y1 = [Float](), x2 = [Float](), y2 = [Float](), area = [Float]()
        x1.reserveCapacity(n); y1.reserveCapacity(n); x2.reserveCapacity(n); y2.reserveCapacity(n); area.reserveCapacity(n)
        for i in order {
            let b = boxes[i]
            x1.append(b.x1); y1.append(b.y1); x2.append(b.x2); y2.append(b.y2)
            area.append((b.x2 - b.x1 + plusOne) * (b.y2 - b.y1 + plusOne))
        }
        var suppressed = [Bool](repeating: false, count: n)
        var kept: [Int] = []
        let floatThreshold = Float(threshold)
        for i in 0..<n where !suppressed[i] {
            kept.append(order[i])
            let ax1 = x1[i], ay1 = y1[i], ax2 = x2[i], ay2 = y2[i], aArea = area[i]
            for j in (i + 1)..<n where !suppressed[j] {
                let w = max(0, min(ax2, x2[j]) - max(ax1, x1[j]) + plusOne)
                let h = max(0, min(ay2, y2[j]) - max(ay1, y1[j]) + plusOne)
                let inter = w * h
                switch overlap {
                case .iou: if Double(inter / (aArea + area[j] - inter)) > threshold { suppressed[j] = true }
                case .minimum: if !(inter / min(aArea, area[j]) <= floatThreshold) { suppressed[j] = true }
                }
            }
        }
        return kept
    }

    /// Indices sorted by descending score, ties in input order.
    static func descendingOrder(_ boxes: [CandidateBox]) -> [Int] {
        boxes.indices.sorted { boxes[$0].score > boxes[$1].score || (boxes[$0].score == boxes[$1].score && $0 < $1) }
    }

    /// The reference: the definitions above written out pair by pair on the boxes as they are.
    static func reference(_ boxes: [CandidateBox], threshold: Double, overlap: Overlap) -> [Int] {
        var remaining = descendingOrder(boxes)
        var kept: [Int] = []
        while let best = remaining.first {
            kept.append(best)
            remaining = remaining.dropFirst().filter { survives(overlapRatio(boxes[best], boxes[$0], overlap), threshold, overlap) }
        }
        return kept
    }

    /// torchvision suppresses when `ratio > threshold` (so NaN survives); numpy keeps when
    /// `ratio <= Float(threshold)` (so NaN is suppressed).
    private static func survives(_ ratio: Double, _ threshold: Double, _ overlap: Overlap) -> Bool {
        overlap == .iou ? !(ratio > threshold) : ratio <= Double(Float(threshold))
    }

    /// The overlap of two boxes under either definition, in float32 arithmetic.
    static func overlapRatio(_ a: CandidateBox, _ b: CandidateBox, _ overlap: Overlap) -> Double {
        switch overlap {
        case .iou:
            let inter = max(0, min(a.x2, b.x2) - max(a.x1, b.x1)) * max(0, min(a.y2, b.y2) - max(a.y1, b.y1))
            return Double(inter / (a.area + b.area - inter))
        case .minimum:
            let areaA = (a.x2 - a.x1 + 1) * (a.y2 - a.y1 + 1), areaB = (b.x2 - b.x1 + 1) * (b.y2 - b.y1 + 1)
            let inter = max(0, min(a.x2, b.x2) - max(a.x1, b.x1) + 1) * max(0, min(a.y2, b.y2) - max(a.y1, b.y1) + 1)
            return Double(inter / min(areaA, areaB))
        }
    }
}
