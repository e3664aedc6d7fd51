import Foundation
import MienNN
import MienPipeline

/// MienNN's SplitMix64 with Gaussian samples, so every synthetic video is the
/// same on every run and machine.
struct SeededRandom: RandomNumberGenerator {
    var generator: SplitMix64

    init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    mutating func next() -> UInt64 { generator.next() }

    /// Standard normal sample (Box-Muller).
    mutating func gaussian() -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

/// One synthetic face: a box moving at constant velocity, visible over
/// `visible` except during the `hidden` intervals.
struct SyntheticFace {
    var box: FaceBox
    var velocity: (x: Double, y: Double) = (0, 0)
    var visible: Range<Double> = 0..<Double.infinity
    var hidden: [Range<Double>] = []

    func isVisible(at t: Double) -> Bool {
        visible.contains(t) && !hidden.contains { $0.contains(t) }
    }

    func box(at t: Double) -> FaceBox {
        FaceBox(x: box.x + velocity.x * t, y: box.y + velocity.y * t, width: box.width, height: box.height)
    }
}

/// A sampled synthetic video: per frame, the detected boxes and which face
/// each one came from.
struct SyntheticVideo {
    var times: [Double]
    var boxes: [[FaceBox]]
    var faces: [[Int]]

    /// Samples `faces` at `times`, adding Gaussian noise of `noise` pixels to
    /// each edge, and shuffling each frame's detections when `shuffle` is set
    /// (a detector gives no order that follows identity).
    init(faces model: [SyntheticFace], times: [Double], noise: Double, seed: UInt64, shuffle: Bool = true) {
        var rng = SeededRandom(seed: seed)
        self.times = times
        boxes = []
        faces = []
        for t in times {
            var frame: [(FaceBox, Int)] = []
            for (i, face) in model.enumerated() where face.isVisible(at: t) {
                let b = face.box(at: t)
                let jittered = FaceBox(
                    x: b.x + noise * rng.gaussian(), y: b.y + noise * rng.gaussian(),
                    width: b.width + noise * rng.gaussian(), height: b.height + noise * rng.gaussian())
                frame.append((jittered, i))
            }
            if shuffle { frame.shuffle(using: &rng) }
            boxes.append(frame.map(\.0))
            faces.append(frame.map(\.1))
        }
    }

    /// The true partition: a face unseen for more than `maxGap` comes back as
    /// a new identity, the rule the tracker is meant to follow.
    func truth(maxGap: Double = 1.0) -> [[Int]] {
        var lastSeen: [Int: Double] = [:]
        var segment: [Int: Int] = [:]
        return zip(times, faces).map { t, ids in
            ids.map { face in
                if let last = lastSeen[face], t - last > maxGap + 1e-9 { segment[face, default: 0] += 1 }
                lastSeen[face] = t
                return face * 1000 + segment[face, default: 0]
            }
        }
    }

    /// Runs one tracker over the whole video.
    func trackWhole(settings: TrackerSettings = TrackerSettings()) -> [[Int]] {
        var tracker = FaceTracker(settings: settings)
        return zip(times, boxes).map { tracker.update(time: $0, boxes: $1) }
    }

    /// Cuts the video into shards of `length` seconds, tracks each alone
    /// (after `warmUp` seconds of the frames before it), stitches them and
    /// returns the global id of every detection.
    func trackSharded(length: Double, warmUp: Double = 0, settings: TrackerSettings = TrackerSettings()) -> [[Int]] {
        let frames = zip(times, boxes).map { (time: $0, boxes: $1) }
        let count = Int((times.last! / length).rounded(.down)) + 1
        var shards: [ShardTracks] = []
        var local: [[Int]] = []
        var shardOfFrame: [Int] = []
        for k in 0..<count {
            let start = Double(k) * length
            let inShard = frames.filter { Int(($0.time / length).rounded(.down)) == k }
            let before = frames.filter { $0.time < start && $0.time >= start - warmUp }
            let (ids, shard) = FaceTracker.trackShard(start: start, warmUp: before, frames: inShard, settings: settings)
            shards.append(shard)
            local += ids
            shardOfFrame += ids.map { _ in k }
        }
        let stitched = TrackStitcher(settings: settings).stitch(shards)
        return zip(local, shardOfFrame).map { ids, shard in
            ids.map { stitched.globalID(shard: shard, local: $0)! }
        }
    }
}

/// Whether two labelings split the detections into the same groups.
func samePartition(_ a: [[Int]], _ b: [[Int]]) -> Bool {
    guard a.count == b.count else { return false }
    var forward: [Int: Int] = [:]
    var backward: [Int: Int] = [:]
    for (ra, rb) in zip(a, b) {
        guard ra.count == rb.count else { return false }
        for (x, y) in zip(ra, rb) {
            if forward[x, default: y] != y || backward[y, default: x] != x { return false }
            forward[x] = y
            backward[y] = x
        }
    }
    return true
}

/// `count` timestamps `step` apart from 0.
func regularTimes(step: Double, count: Int) -> [Double] {
    (0..<count).map { Double($0) * step }
}

/// `count` increasing timestamps with steps uniform in `steps`.
func irregularTimes(steps: ClosedRange<Double>, count: Int, seed: UInt64) -> [Double] {
    var rng = SeededRandom(seed: seed)
    var t = 0.0
    return (0..<count).map { _ in
        defer { t += Double.random(in: steps, using: &rng) }
        return t
    }
}
