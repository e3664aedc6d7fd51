import Foundation

/// The camera's movement between two sampled frames, estimated from the faces
/// themselves: the shift (or zoom and shift) that carries the most faces of the
/// earlier frame onto faces of the later one.
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
///
/// A zoom moves faces apart (or together) from a point and resizes them, so
/// no single shift lands most of them. When no shift passes and most faces do
/// not land where they were, pairs of the largest faces propose a zoom: two
/// faces at least two scales apart and a later face of plausible size for each
/// fix the scale (the ratio of the distances, which both faces' size ratios
/// must confirm within 20%, with no rotation) and the shift; the same support
/// rule picks one.
enum CameraShift {
    /// Least IoU for a moved earlier face to count as landing on a later one.
    static let landingIoU = 0.5
    /// How many of the earlier frame's largest faces propose shifts.
    static let proposers = 8
    /// Longest proposed shift, in scales (square root of the area) of the proposing face.
    static let reach = 4.0
    /// Fewest faces, in each frame, for an estimate.
    static let fewestFaces = 3

    /// A camera movement from one sample to the next: each box's corners and
    /// sides are multiplied by `scale` (a zoom about the image origin) and
    /// moved by `dx`, `dy` pixels. A pan is `scale` 1.
    struct Motion: Sendable, Equatable {
        var scale: Double
        var dx: Double
        var dy: Double

        /// Where `box` goes.
        func apply(_ box: FaceBox) -> FaceBox {
            FaceBox(x: scale * box.x + dx, y: scale * box.y + dy, width: scale * box.width, height: scale * box.height)
        }

        /// Orders candidates of equal support: the smaller movement first.
        var size: Double { abs(log(scale)) * 1000 + dx * dx + dy * dy }
    }

    /// Widest zoom between two samples, as a ratio of face scales.
    static let zoomRange = 0.67...1.5

    /// The movement from `earlier` to `later`, or nil when the faces show no
    /// common movement (too few faces, no movement landing more than half of
    /// them, or standing still does as well). A shift is tried first; a zoom
    /// (with a shift) only when no shift passes and standing still lands at
    /// most half the faces. `landing(earlier, motion)` counts the faces that land.
    static func estimate(from earlier: [FaceBox], to later: [FaceBox],
                         landing: (_ earlier: [FaceBox], _ motion: Motion) -> Int) -> Motion? {
        guard earlier.count >= fewestFaces, later.count >= fewestFaces else { return nil }
        let needed = max(fewestFaces, earlier.count / 2 + 1)
        let still = landing(earlier, Motion(scale: 1, dx: 0, dy: 0))
        let largest = earlier.indices.sorted { earlier[$0].area > earlier[$1].area || (earlier[$0].area == earlier[$1].area && $0 < $1) }
            .prefix(proposers).map { earlier[$0] }.filter { $0.scale > 0 }
        var best: (support: Int, motion: Motion)?
        func consider(_ motion: Motion) {
            let support = landing(earlier, motion)
            if let b = best, support < b.support || (support == b.support && motion.size >= b.motion.size) { return }
            best = (support, motion)
        }
        // Where each proposer may have gone: later faces within reach, of a size a zoom allows.
        let candidates = largest.map { face in
            later.filter { target in
                let dx = target.centerX - face.centerX, dy = target.centerY - face.centerY
                return zoomRange.contains(target.scale / face.scale) && (dx * dx + dy * dy).squareRoot() <= reach * face.scale
            }
        }
        for (face, reachable) in zip(largest, candidates) {
            for target in reachable where (0.8...1.25).contains(target.scale / face.scale) {
                consider(Motion(scale: 1, dx: target.centerX - face.centerX, dy: target.centerY - face.centerY))
            }
        }
        if let best, best.support >= needed, best.support > still { return best.motion }
        guard still < needed else { return nil }
        best = nil
        // A zoom: two faces at least two scales apart and where each may have gone fix the
        // scale (distance ratio, which the faces' own size ratios must confirm) and the shift.
        for a in largest.indices {
            for b in largest.indices where b > a {
                let p1 = largest[a], p2 = largest[b]
                let (ux, uy) = (p2.centerX - p1.centerX, p2.centerY - p1.centerY)
                let separation = (ux * ux + uy * uy).squareRoot()
                guard separation >= 2 * max(p1.scale, p2.scale) else { continue }
                for t1 in candidates[a] {
                    for t2 in candidates[b] where t2 != t1 {
                        let (vx, vy) = (t2.centerX - t1.centerX, t2.centerY - t1.centerY)
                        let r = (vx * vx + vy * vy).squareRoot() / separation
                        // No rotation, and sizes that grew as the distance did.
                        guard zoomRange.contains(r), abs(ux * vy - uy * vx) <= 0.1 * separation * separation * r, ux * vx + uy * vy > 0,
                              abs(t1.scale / p1.scale - r) <= 0.2 * r, abs(t2.scale / p2.scale - r) <= 0.2 * r else { continue }
                        consider(Motion(scale: r, dx: (t1.centerX - r * p1.centerX + t2.centerX - r * p2.centerX) / 2,
                                        dy: (t1.centerY - r * p1.centerY + t2.centerY - r * p2.centerY) / 2))
                    }
                }
            }
        }
        if let best, best.support >= needed, best.support > still { return best.motion }
        return nil
    }

    /// `estimate` with `Landing`'s counts: what the tracker uses.
    static func estimate(from earlier: [FaceBox], to later: [FaceBox]) -> Motion? {
        let targets = Landing(later)
        return estimate(from: earlier, to: later) { targets.count($0, $1) }
    }

    /// The plain count: how many of `earlier`, moved by `motion`, overlap some
    /// box of `later` with IoU at least `landingIoU`, every pair tried. Boxes
    /// with a coordinate that is not finite never land.
    static func landingReference(_ earlier: [FaceBox], onto later: [FaceBox], _ motion: Motion) -> Int {
        let targets = later.filter(\.isFinite)
        return earlier.filter(\.isFinite).reduce(0) { count, face in
            let moved = motion.apply(face)
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

        /// `landingReference(earlier, onto: later, motion)`.
        func count(_ earlier: [FaceBox], _ motion: Motion) -> Int {
            var landed = 0
            for face in earlier where face.isFinite {
                let moved = motion.apply(face)
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
