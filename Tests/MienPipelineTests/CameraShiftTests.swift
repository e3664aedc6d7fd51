import Foundation
import Testing

@testable import MienPipeline

extension FaceBox {
    /// The same box moved by `dx`, `dy` pixels (a pan: `CameraShift.Motion` with scale 1).
    fileprivate func shifted(dx: Double, dy: Double) -> FaceBox {
        CameraShift.Motion(scale: 1, dx: dx, dy: dy).apply(self)
    }
}

/// A lecture hall filmed by a panning camera: `columns` x `rows` faces of
/// `side` px, `spacing` px apart, all moving by `velocity` px/s, sampled at `fps`.
private func panningHall(columns: Int = 8, rows: Int = 5, side: Double = 24, spacing: Double = 60,
                         velocity: (x: Double, y: Double) = (-130, 0), fps: Double = 5, seconds: Double = 6,
                         seed: UInt64 = 31) -> SyntheticVideo {
    var faces: [SyntheticFace] = []
    for row in 0..<rows {
        for column in 0..<columns {
            let box = FaceBox(x: 400 + Double(column) * spacing, y: 200 + Double(row) * spacing * 1.2, width: side, height: side * 1.2)
            faces.append(SyntheticFace(box: box, velocity: velocity))
        }
    }
    return SyntheticVideo(faces: faces, times: regularTimes(step: 1 / fps, count: Int(seconds * fps)), noise: 0.8, seed: seed)
}

@Test func aPanFasterThanTheFacesAreWideKeepsOneTrackPerFace() {
    let video = panningHall()
    // The premise: between two samples no face overlaps where it was.
    let face = FaceBox(x: 400, y: 200, width: 24, height: 28.8)
    #expect(face.iou(face.shifted(dx: -130 / 5, dy: 0)) == 0)
    let ids = video.trackWhole()
    #expect(Set(ids.joined()).count == 40)
    #expect(samePartition(ids, video.truth()))
}

@Test(arguments: [1.0, 2.5])
func aPanTrackedInShardsWithTheirWarmUpSplitsLikeTheWholeVideo(shardLength: Double) {
    let video = panningHall(seed: 32)
    #expect(video.trackSharded(length: shardLength, warmUp: 2) == video.trackWhole())
}

@Test func aDiagonalPanAtTwoSamplesASecond() {
    let video = panningHall(velocity: (70, -45), fps: 2, seconds: 8, seed: 33)
    #expect(samePartition(video.trackWhole(), video.truth()))
}

@Test func theShiftIsTheOneMostFacesAgreeOn() {
    let earlier = (0..<6).map { FaceBox(x: Double($0) * 50, y: 100, width: 20, height: 24) }
    let later = earlier.map { $0.shifted(dx: 31, dy: -7) } + [FaceBox(x: 900, y: 900, width: 20, height: 24)]
    let shift = CameraShift.estimate(from: earlier, to: later)
    #expect(shift.map { $0.scale == 1 && abs($0.dx - 31) < 1e-9 && abs($0.dy + 7) < 1e-9 } == true)
}

@Test func noShiftWithoutAMajorityOrWhenStandingStillDoesAsWell() {
    let row = (0..<8).map { FaceBox(x: Double($0) * 50, y: 100, width: 20, height: 24) }
    // Too few faces.
    #expect(CameraShift.estimate(from: Array(row.prefix(2)), to: row.prefix(2).map { $0.shifted(dx: 30, dy: 0) }) == nil)
    // A still camera.
    #expect(CameraShift.estimate(from: row, to: row) == nil)
    // Each face goes its own way (up, right, down, left in turn): no camera movement explains most of them.
    let directions: [(Double, Double)] = [(0, -30), (30, 0), (0, 30), (-30, 0)]
    let scattered = row.enumerated().map { $0.element.shifted(dx: directions[$0.offset % 4].0, dy: directions[$0.offset % 4].1) }
    #expect(CameraShift.estimate(from: row, to: scattered) == nil)
    // Faces of another size do not propose shifts: a 20 px face cannot become a 40 px one.
    let grown = row.map { FaceBox(x: $0.x + 30, y: $0.y, width: 40, height: 48) }
    #expect(CameraShift.estimate(from: row, to: grown) == nil)
}

@Test func aStillCameraKeepsItsTracksWhenOneFaceJumps() {
    // One face of a still classroom jumps (a detector glitch): it must not drag the others along.
    var tracker = FaceTracker()
    let row = (0..<6).map { FaceBox(x: Double($0) * 50, y: 100, width: 20, height: 24) }
    #expect(tracker.update(time: 0, boxes: row) == [0, 1, 2, 3, 4, 5])
    var next = row
    next[0] = next[0].shifted(dx: 0, dy: 200)
    #expect(tracker.update(time: 0.2, boxes: next) == [6, 1, 2, 3, 4, 5])
}

@Test(arguments: 0..<20)
func sortedLandingCountsEqualThePlainCount(seed: Int) {
    var rng = SeededRandom(seed: UInt64(seed) * 7919 + 5)
    func scene(_ n: Int) -> [FaceBox] {
        (0..<n).map { _ in
            let side = Double.random(in: 8...90, using: &rng)
            return FaceBox(x: Double.random(in: -50...600, using: &rng), y: Double.random(in: -50...400, using: &rng),
                           width: side, height: side * Double.random(in: 0.8...1.4, using: &rng))
        }
    }
    let earlier = scene(Int.random(in: 0...60, using: &rng))
    // The later frame: most faces moved together and jittered, a few new ones, an empty and a broken box.
    let (dx, dy) = (Double.random(in: -80...80, using: &rng), Double.random(in: -40...40, using: &rng))
    var later = earlier.filter { _ in Double.random(in: 0...1, using: &rng) < 0.8 }.map {
        FaceBox(x: $0.x + dx + rng.gaussian(), y: $0.y + dy + rng.gaussian(), width: $0.width + rng.gaussian(), height: $0.height)
    } + scene(Int.random(in: 0...10, using: &rng))
    later += [FaceBox(x: 10, y: 10, width: 0, height: 0), FaceBox(x: .nan, y: 0, width: 20, height: 20)]
    later.shuffle(using: &rng)
    let landing = CameraShift.Landing(later)
    for (r, sx, sy) in [(1.0, 0.0, 0.0), (1, dx, dy), (1, dx + 3, dy - 2), (1, -dx, dy), (1, 200, 0), (1.1, dx - 20, dy), (0.8, 40, 30)] {
        let motion = CameraShift.Motion(scale: r, dx: sx, dy: sy)
        #expect(landing.count(earlier, motion) == CameraShift.landingReference(earlier, onto: later, motion))
    }
    let fast = CameraShift.estimate(from: earlier, to: later)
    let plain = CameraShift.estimate(from: earlier, to: later) { CameraShift.landingReference($0, onto: later, $1) }
    #expect(fast == plain)
}

/// A grid of faces zoomed into about the image centre (960, 540) by `ratio` a sample.
private func zoomingHall(ratio: Double, samples: Int) -> [[FaceBox]] {
    let grid = (0..<40).map { i in FaceBox(x: 640 + Double(i % 8) * 80, y: 340 + Double(i / 8) * 90, width: 28, height: 34) }
    return (0..<samples).map { k in
        let r = pow(ratio, Double(k))
        // Shuffled so that ids cannot follow input order.
        return grid.enumerated().sorted { ($0.offset * 17 + k) % 40 < ($1.offset * 17 + k) % 40 }.map { _, b in
            FaceBox(x: 960 + r * (b.x - 960), y: 540 + r * (b.y - 540), width: r * b.width, height: r * b.height)
        }
    }
}

@Test func aZoomKeepsOneTrackPerFace() {
    let frames = zoomingHall(ratio: 1.12, samples: 8)
    // The premise: the corner faces move farther than they overlap, and no single shift lands most faces.
    #expect(frames[0].contains { f in !frames[1].contains { f.iou($0) >= 0.3 } })
    #expect(CameraShift.estimate(from: frames[0], to: frames[1]).map { abs($0.scale - 1.12) < 1e-6 } == true)
    var tracker = FaceTracker()
    var ids = Set<Int>()
    for (k, boxes) in frames.enumerated() { ids.formUnion(tracker.update(time: Double(k) / 2, boxes: boxes)) }
    #expect(ids.count == 40)
}

@Test func aZoomOutIsFollowedToo() {
    let frames = zoomingHall(ratio: 1 / 1.12, samples: 6)
    var tracker = FaceTracker()
    var ids = Set<Int>()
    for (k, boxes) in frames.enumerated() { ids.formUnion(tracker.update(time: Double(k) / 2, boxes: boxes)) }
    #expect(ids.count == 40)
}
