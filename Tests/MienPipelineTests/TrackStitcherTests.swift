import Testing

@testable import MienPipeline

private let face = FaceBox(x: 100, y: 100, width: 80, height: 80)

/// The ordinary videos the sharded run must split like the whole one.
enum Scenario: String, CaseIterable, CustomTestStringConvertible {
    case oneMovingFace, twoSideBySide, crossing, gapHalfSecond, gapTwoSeconds, irregular, classroom

    var testDescription: String { rawValue }

    var video: SyntheticVideo {
        let fps25 = regularTimes(step: 1.0 / 25, count: 300)
        switch self {
        case .oneMovingFace:
            return SyntheticVideo(faces: [SyntheticFace(box: face, velocity: (40, 15))], times: fps25, noise: 2, seed: 11)
        case .twoSideBySide:
            return SyntheticVideo(
                faces: [SyntheticFace(box: face, velocity: (5, 0)), SyntheticFace(box: FaceBox(x: 200, y: 105, width: 78, height: 82))],
                times: fps25, noise: 2, seed: 12)
        case .crossing:
            return SyntheticVideo(
                faces: [
                    SyntheticFace(box: FaceBox(x: 0, y: 100, width: 80, height: 80), velocity: (50, 0)),
                    SyntheticFace(box: FaceBox(x: 500, y: 130, width: 80, height: 80), velocity: (-50, 0)),
                ],
                times: fps25, noise: 1, seed: 13)
        case .gapHalfSecond:
            // Hidden across the 5 s edge and inside the 2.5 s shard.
            return SyntheticVideo(
                faces: [SyntheticFace(box: face, velocity: (10, 5), hidden: [1.8..<2.3, 4.8..<5.3, 9.9..<10.4])],
                times: fps25, noise: 1.5, seed: 14)
        case .gapTwoSeconds:
            return SyntheticVideo(
                faces: [SyntheticFace(box: face, velocity: (10, 0), hidden: [3.9..<5.9])], times: fps25, noise: 1.5, seed: 15)
        case .irregular:
            return SyntheticVideo(
                faces: [
                    SyntheticFace(box: face, velocity: (25, -5), hidden: [4.7..<5.2]),
                    SyntheticFace(box: FaceBox(x: 350, y: 200, width: 60, height: 70), visible: 1.2..<30, hidden: [7..<9.5]),
                ],
                times: irregularTimes(steps: 0.02...0.25, count: 120, seed: 16), noise: 2, seed: 17)
        case .classroom:
            return MienPipelineTests.classroom(seed: 18, times: regularTimes(step: 1.0 / 8, count: 96))
        }
    }
}

@Test(arguments: Scenario.allCases, [1.0, 2.5, 5.0])
func shardedRunSplitsLikeTheWholeVideo(scenario: Scenario, shardLength: Double) {
    let video = scenario.video
    let whole = video.trackWhole()
    let sharded = video.trackSharded(length: shardLength)
    #expect(samePartition(whole, video.truth()))
    #expect(samePartition(sharded, whole))
    // Global ids are numbered by first appearance, as the whole-video tracker numbers its own.
    #expect(sharded == whole)
}

@Test func globalIdsFollowFirstAppearanceAndShardOrderDoesNotMatter() {
    let a = FaceBox(x: 0, y: 0, width: 50, height: 50)
    let b = FaceBox(x: 200, y: 0, width: 50, height: 50)
    // Shard 0 [0, 1): face a. Shard 1 [1, 2): b appears first, then a continues.
    var s0 = ShardTracks(start: 0)
    s0.append(time: 0.9, tracks: [0], boxes: [a])
    var s1 = ShardTracks(start: 1)
    s1.append(time: 1.0, tracks: [0], boxes: [b])
    s1.append(time: 1.1, tracks: [0, 1], boxes: [b, a])
    let stitched = TrackStitcher().stitch([s0, s1])
    #expect(stitched.globalIDs == [[0: 0], [0: 1, 1: 0]])
    #expect(stitched.trackCount == 2)
    let swapped = TrackStitcher().stitch([s1, s0])
    #expect(swapped.globalIDs == [[0: 1, 1: 0], [0: 0]])
    #expect(swapped.globalID(shard: 5, local: 0) == nil)
}

@Test func aTrackCanJumpAShortEmptyShardWithinMaxGap() {
    let a = FaceBox(x: 0, y: 0, width: 50, height: 50)
    var s0 = ShardTracks(start: 0)
    s0.append(time: 0.2, tracks: [0], boxes: [a])
    let empty = ShardTracks(start: 0.3)
    var s2 = ShardTracks(start: 0.6)
    s2.append(time: 1.1, tracks: [0], boxes: [a])
    var s3 = ShardTracks(start: 1.2)
    s3.append(time: 2.5, tracks: [0], boxes: [a])
    let stitched = TrackStitcher().stitch([s0, empty, s2, s3])
    #expect(stitched.globalIDs == [[0: 0], [:], [0: 0], [0: 1]])
}

@Test func oneEndingTrackContinuesAtMostOneStartingTrack() {
    let a = FaceBox(x: 0, y: 0, width: 50, height: 50)
    let nearA = FaceBox(x: 3, y: 0, width: 50, height: 50)
    var s0 = ShardTracks(start: 0)
    s0.append(time: 0.9, tracks: [0], boxes: [a])
    var s1 = ShardTracks(start: 1)
    s1.append(time: 1.0, tracks: [0, 1], boxes: [nearA, a])
    let stitched = TrackStitcher().stitch([s0, s1])
    // The better overlap (the identical box) continues; the other is new.
    #expect(stitched.globalIDs == [[0: 0], [0: 1, 1: 0]])
}

@Test func trackShardRecordsWhatTheTrackerReturned() {
    let video = Scenario.twoSideBySide.video
    let frames = Array(zip(video.times, video.boxes).map { (time: $0, boxes: $1) }.prefix(20))
    let (ids, shard) = FaceTracker.trackShard(start: 0, frames: frames)
    #expect(ids == Array(video.trackWhole().prefix(20)))
    #expect(shard.observations.count == ids.joined().count)
    #expect(shard.observations.map(\.track) == Array(ids.joined()))
}

@Test func stitchingIsDeterministic() {
    let video = Scenario.classroom.video
    #expect(video.trackSharded(length: 2.5) == video.trackSharded(length: 2.5))
}

/// Two faces crossing slowly, their boxes overlapping for 2 s around 7.5 s,
/// sampled irregularly: which box is which there depends on the motion
/// history, so a shard starting mid-crossing needs a warm-up that covers it.
func crossingAtAnEdge(seed: UInt64) -> SyntheticVideo {
    SyntheticVideo(
        faces: [
            SyntheticFace(box: FaceBox(x: 0, y: 100, width: 80, height: 80), velocity: (40, 3), hidden: [4.7..<5.3]),
            SyntheticFace(box: FaceBox(x: 600, y: 130, width: 80, height: 80), velocity: (-40, 0), hidden: [9.8..<10.6]),
            SyntheticFace(box: FaceBox(x: 300, y: 400, width: 50, height: 60), visible: 2..<100, hidden: [12..<14.5]),
        ],
        times: irregularTimes(steps: 0.02...0.3, count: 150, seed: seed), noise: 2, seed: seed + 1)
}

@Test(arguments: 0..<24)
func warmUpCoveringTheCrossingGivesTheWholeVideoIds(seed: Int) {
    let video = crossingAtAnEdge(seed: UInt64(seed) * 7919 + 1)
    let whole = video.trackWhole()
    #expect(video.trackSharded(length: 1.0, warmUp: 1.0) == whole)
    #expect(video.trackSharded(length: 2.5, warmUp: 2.0) == whole)
    #expect(video.trackSharded(length: 5.0) == whole)  // no edge near the crossing
}

@Test(arguments: 0..<12)
func classroomWithIrregularTimesNeedsNoWarmUp(seed: Int) {
    let s = UInt64(seed) * 7919 + 1
    let video = classroom(seed: s, times: irregularTimes(steps: 0.05...0.2, count: 80, seed: s + 2))
    let whole = video.trackWhole()
    #expect(samePartition(whole, video.truth()))
    for length in [1.0, 2.5, 5.0] { #expect(video.trackSharded(length: length) == whole) }
}

@Test func aSharedWarmUpDetectionOutranksBoxOverlap() {
    let a = FaceBox(x: 0, y: 0, width: 50, height: 50)
    let b = FaceBox(x: 30, y: 0, width: 50, height: 50)  // overlaps a
    var s0 = ShardTracks(start: 0)
    s0.append(time: 0.9, tracks: [0, 1], boxes: [a, b])
    // Shard 1's tracker, knowing the motion from its warm-up, followed a's face
    // to where b was at 1.0 (and b's to where a was): the shared detections say so.
    var s1 = ShardTracks(start: 1)
    s1.appendWarmUp(time: 0.9, tracks: [0, 1], boxes: [a, b])
    s1.append(time: 1.0, tracks: [1, 0], boxes: [a, b])
    let stitched = TrackStitcher().stitch([s0, s1])
    #expect(stitched.globalIDs == [[0: 0, 1: 1], [0: 0, 1: 1]])
    // Without the warm-up, overlap decides: the box at a's place continues a.
    s1.warmUp = []
    #expect(TrackStitcher().stitch([s0, s1]).globalIDs == [[0: 0, 1: 1], [1: 0, 0: 1]])
}

@Test func warmUpOnlyTracksAreNotMapped() {
    let a = FaceBox(x: 0, y: 0, width: 50, height: 50)
    var s1 = ShardTracks(start: 1)
    s1.appendWarmUp(time: 0.5, tracks: [0], boxes: [a])
    s1.append(time: 1.5, tracks: [1], boxes: [FaceBox(x: 300, y: 0, width: 50, height: 50)])
    let stitched = TrackStitcher().stitch([ShardTracks(start: 0), s1])
    #expect(stitched.globalIDs == [[:], [1: 0]])
    #expect(stitched.trackCount == 1)
}

@Test func warmUpDetectionsNeedNotBeBitIdentical() {
    // Another worker's detector may put a box a hair away.
    let a = FaceBox(x: 0, y: 0, width: 50, height: 50)
    let b = FaceBox(x: 30, y: 0, width: 50, height: 50)
    let nudge = { (box: FaceBox) in FaceBox(x: box.x + 1e-7, y: box.y, width: box.width - 1e-7, height: box.height) }
    var s0 = ShardTracks(start: 0)
    s0.append(time: 0.9, tracks: [0, 1], boxes: [a, b])
    var s1 = ShardTracks(start: 1)
    s1.appendWarmUp(time: 0.9, tracks: [0, 1], boxes: [nudge(a), nudge(b)])
    s1.append(time: 1.0, tracks: [1, 0], boxes: [a, b])
    #expect(TrackStitcher().stitch([s0, s1]).globalIDs == [[0: 0, 1: 1], [0: 0, 1: 1]])
}
