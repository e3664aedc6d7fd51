/// The camera's movement between two sampled frames, estimated from the faces
/// themselves: the shift that carries the most faces of the earlier frame onto
/// faces of the later one.
///
/// Why the tracker needs it: a pan moves every face together, and at a few
/// samples a second a small face can move by more than its own width between
/// samples (a 1080p pan at 130 px/s moves a 24 px face 26 px in 0.2 s), so no
/// box overlaps its last position and every sample would open new tracks. A
/// face's own motion filter cannot help a track it has not followed yet; the
/// other faces show where the camera went.
///
/// How: each of the earlier frame's `proposers` largest faces proposes one shift
/// per later face of about its size (0.8 to 1.25 times its scale) within
/// `reach` of its own scales; a shift's support is the number of earlier faces
/// that, moved by it, overlap some later face with IoU at least `landingIoU`.
/// The best-supported shift wins (ties: the shorter one, then the first
/// proposed), if more than half the earlier faces, and no fewer than 3, land,
/// and more than land without moving. At most `proposers x later` proposals,
/// each counted by `Landing` (sorted by left edge; `landingReference` is the
/// plain every-pair count it is tested against).
enum CameraShift {
    /// Least IoU for a moved earlier face to count as landing on a later one.
    static let landingIoU = 0.5
    /// How many of the earlier frame's largest faces propose shifts.
    static let proposers = 8
    /// Longest proposed shift, in scales (square root of the area) of the proposing face.
    static let reach = 4.0
    /// Fewest faces, in each frame, for an estimate.
    static let fewestFaces = 3

    /// The shift `(dx, dy)` in pixels from `earlier` to `later`, or nil when
    /// the faces show no common movement (too few faces, no shift landing more
    /// than half of them, or standing still does as well).
    static func estimate(from earlier: [FaceBox], to later: [FaceBox],
                         landing: (_ earlier: [FaceBox], _ dx: Double, _ dy: Double) -> Int) -> (dx: Double, dy: Double)? {
        guard earlier.count >= fewestFaces, later.count >= fewestFaces else { return nil }
        let needed = max(fewestFaces, earlier.count / 2 + 1)
        let still = landing(earlier, 0, 0)
        let largest = earlier.indices.sorted { earlier[$0].area > earlier[$1].area || (earlier[$0].area == earlier[$1].area && $0 < $1) }
        var best: (support: Int, dx: Double, dy: Double)?
        for i in largest.prefix(proposers) {
            let face = earlier[i], scale = face.scale
            guard scale > 0 else { continue }
            for target in later where (0.8...1.25).contains(target.scale / scale) {
                let dx = target.centerX - face.centerX, dy = target.centerY - face.centerY
                guard (dx * dx + dy * dy).squareRoot() <= reach * scale else { continue }
                let support = landing(earlier, dx, dy)
                if let b = best, support < b.support || (support == b.support && dx * dx + dy * dy >= b.dx * b.dx + b.dy * b.dy) {
                    continue
                }
                best = (support, dx, dy)
            }
        }
        guard let best, best.support >= needed, best.support > still else { return nil }
        return (best.dx, best.dy)
    }

    /// `estimate` with `Landing`'s counts: what the tracker uses.
    static func estimate(from earlier: [FaceBox], to later: [FaceBox]) -> (dx: Double, dy: Double)? {
        let targets = Landing(later)
        return estimate(from: earlier, to: later) { targets.count($0, dx: $1, dy: $2) }
    }

    /// The plain count: how many of `earlier`, moved by `dx`, `dy`, overlap some
    /// box of `later` with IoU at least `landingIoU`, every pair tried. Boxes
    /// with a coordinate that is not finite never land.
    static func landingReference(_ earlier: [FaceBox], onto later: [FaceBox], dx: Double, dy: Double) -> Int {
        let targets = later.filter(\.isFinite)
        return earlier.filter(\.isFinite).reduce(0) { count, face in
            let moved = face.shifted(dx: dx, dy: dy)
            return count + (targets.contains { moved.iou($0) >= landingIoU } ? 1 : 0)
        }
    }

    /// The later frame's boxes sorted by left edge, so that a moved face is
    /// compared only with the boxes whose left edge lies within its reach
    /// (binary search, then a scan): about `log n + k` comparisons a face
    /// instead of `n`. Counts equal `landingReference`'s.
    struct Landing {
        private let boxes: [FaceBox]
        private let widest: Double

        init(_ later: [FaceBox]) {
            boxes = later.filter(\.isFinite).sorted { $0.x < $1.x }
            widest = boxes.map(\.width).max() ?? 0
        }

        /// `landingReference(earlier, onto: later, dx: dx, dy: dy)`.
        func count(_ earlier: [FaceBox], dx: Double, dy: Double) -> Int {
            var landed = 0
            for face in earlier where face.isFinite {
                let moved = face.shifted(dx: dx, dy: dy)
                // A box overlapping `moved` has its left edge in (moved.x - widest, moved.x + moved.width).
                var low = 0, high = boxes.count
                while low < high {
                    let mid = (low + high) / 2
                    if boxes[mid].x <= moved.x - widest { low = mid + 1 } else { high = mid }
                }
                var i = low
                while i < boxes.count && boxes[i].x < moved.x + moved.width {
                    if moved.iou(boxes[i]) >= landingIoU { landed += 1; break }
                    i += 1
                }
            }
            return landed
        }
    }
}
