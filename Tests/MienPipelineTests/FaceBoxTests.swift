import Testing

@testable import MienPipeline

@Test func iouOfIdenticalDisjointAndHalfOverlappingBoxes() {
    let a = FaceBox(x: 0, y: 0, width: 10, height: 10)
    #expect(a.iou(a) == 1)
    #expect(a.iou(FaceBox(x: 20, y: 0, width: 10, height: 10)) == 0)
    // Overlap 5x10 = 50; union 150.
    #expect(abs(a.iou(FaceBox(x: 5, y: 0, width: 10, height: 10)) - 1.0 / 3.0) < 1e-12)
    #expect(a.iou(FaceBox(x: 0, y: 0, width: 0, height: 0)) == 0)
}

@Test func centreScaleAspectRoundTrip() {
    let b = FaceBox(x: 12, y: -3, width: 40, height: 50)
    let c = FaceBox(centerX: b.centerX, centerY: b.centerY, scale: b.scale, aspect: b.aspect)
    for (u, v) in zip(b.array, c.array) { #expect(abs(u - v) < 1e-9) }
}

@Test func filterLearnsConstantVelocityAndPredictsAhead() {
    // A box moving 100 px/s right, sampled at 10 fps without noise.
    var f = BoxMotionFilter(box: FaceBox(x: 0, y: 0, width: 50, height: 50), time: 0)
    for k in 1...30 {
        let t = Double(k) * 0.1
        f.update(box: FaceBox(x: 100 * t, y: 0, width: 50, height: 50), time: t)
    }
    #expect(abs(f.velocity.x - 100) < 1)
    #expect(abs(f.velocity.y) < 1e-9)
    let ahead = f.predicted(at: 3.5)
    #expect(abs(ahead.x - 350) < 2)
    #expect(abs(ahead.width - 50) < 1e-6)
}

@Test func filterIgnoresSpeedFromAlmostSimultaneousSamples() {
    var f = BoxMotionFilter(box: FaceBox(x: 0, y: 0, width: 50, height: 50), time: 1)
    f.update(box: FaceBox(x: 5, y: 0, width: 50, height: 50), time: 1.0000001)
    #expect(f.velocity == .zero)
    // Going backwards neither moves the clock nor the velocity.
    f.update(box: FaceBox(x: 5, y: 0, width: 50, height: 50), time: 0.5)
    #expect(f.time == 1.0000001)
    #expect(f.velocity == .zero)
}

@Test func matcherTakesBestPairsFirstAndBreaksTiesByIndex() {
    let scores: [[Double]] = [
        [0.9, 0.8, 0.0],
        [0.95, 0.5, 0.0],
        [0.0, 0.0, 0.2],
    ]
    let m = IoUMatcher.assign(scores: scores, threshold: 0.3)
    #expect(m.map { [$0.track, $0.detection] } == [[1, 0], [0, 1]])
    let tie = IoUMatcher.assign(scores: [[0.5, 0.5], [0.5, 0.5]], threshold: 0.3)
    #expect(tie.map { [$0.track, $0.detection] } == [[0, 0], [1, 1]])
    #expect(IoUMatcher.assign(scores: [], threshold: 0.3).isEmpty)
    #expect(IoUMatcher.assign(scores: [[]], threshold: 0.3).isEmpty)
}

/// Best total score over all one-to-one assignments (brute force over
/// permutations, padding with "no match"): the Hungarian algorithm's answer.
private func optimalTotal(_ scores: [[Double]], threshold: Double) -> Double {
    let n = scores.count
    let m = scores.first?.count ?? 0
    func best(_ row: Int, _ used: Set<Int>) -> Double {
        if row == n { return 0 }
        var result = best(row + 1, used)
        for d in 0..<m where !used.contains(d) && scores[row][d] >= threshold {
            result = max(result, scores[row][d] + best(row + 1, used.union([d])))
        }
        return result
    }
    return best(0, [])
}

@Test(arguments: 0..<40)
func greedyMatchesTheOptimalAssignmentForSeparateFaces(seed: Int) {
    // Up to 6 faces a box-width or more apart, each detected with jitter:
    // the case the tracker meets nearly always.
    var rng = SeededRandom(seed: UInt64(seed))
    let n = Int.random(in: 1...6, using: &rng)
    let tracks = (0..<n).map { i in
        FaceBox(x: Double(i) * 100 + .random(in: 0...20, using: &rng), y: .random(in: 0...30, using: &rng), width: 60, height: 60)
    }
    var detections = tracks.map { t in
        FaceBox(x: t.x + 8 * rng.gaussian(), y: t.y + 8 * rng.gaussian(), width: 60 + 3 * rng.gaussian(), height: 60)
    }
    detections.shuffle(using: &rng)
    let scores = tracks.map { t in detections.map { t.iou($0) } }
    let greedy = IoUMatcher.assign(scores: scores, threshold: 0.3)
    #expect(abs(greedy.map(\.score).reduce(0, +) - optimalTotal(scores, threshold: 0.3)) < 1e-12)
}
