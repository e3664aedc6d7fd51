import Foundation
import Testing

@testable import MienPipeline

private let face = FaceBox(x: 100, y: 100, width: 80, height: 80)

@Test func oneMovingFaceKeepsOneId() {
    let video = SyntheticVideo(
        faces: [SyntheticFace(box: face, velocity: (60, 20))], times: regularTimes(step: 1.0 / 25, count: 250),
        noise: 2, seed: 1)
    let ids = video.trackWhole()
    #expect(Set(ids.joined()) == [0])
}

@Test func twoFacesSideBySideKeepTheirIds() {
    let video = SyntheticVideo(
        faces: [SyntheticFace(box: face), SyntheticFace(box: FaceBox(x: 200, y: 110, width: 75, height: 75))],
        times: regularTimes(step: 1.0 / 10, count: 100), noise: 2, seed: 2)
    #expect(samePartition(video.trackWhole(), video.truth()))
}

@Test func crossingFacesKeepTheirIdsThroughTheOverlap() {
    // Two faces swap places horizontally, one a little lower: at the crossing
    // their boxes overlap by about half, and the velocity carries each across.
    let video = SyntheticVideo(
        faces: [
            SyntheticFace(box: FaceBox(x: 0, y: 100, width: 80, height: 80), velocity: (100, 0)),
            SyntheticFace(box: FaceBox(x: 400, y: 130, width: 80, height: 80), velocity: (-100, 0)),
        ],
        times: regularTimes(step: 1.0 / 25, count: 100), noise: 1, seed: 3)
    #expect(samePartition(video.trackWhole(), video.truth()))
}

@Test(arguments: [(0.5, false), (0.9, false), (2.0, true)])
func occlusionGap(gap: Double, newID: Bool) {
    let video = SyntheticVideo(
        faces: [SyntheticFace(box: face, velocity: (10, 0), hidden: [3.0..<(3.0 + gap)])],
        times: regularTimes(step: 1.0 / 10, count: 80), noise: 1.5, seed: 4)
    let ids = Set(video.trackWhole().joined())
    #expect(ids == (newID ? [0, 1] : [0]))
    #expect(samePartition(video.trackWhole(), video.truth()))
}

@Test func gapIsMeasuredInSecondsNotFrames() {
    // Two frames 1.5 s apart: beyond maxGap however few frames lie between.
    var tracker = FaceTracker()
    #expect(tracker.update(time: 0, boxes: [face]) == [0])
    #expect(tracker.update(time: 1.0, boxes: [face]) == [0])
    #expect(tracker.update(time: 2.5, boxes: [face]) == [1])
    // Exactly maxGap later (with decimal round-off) still continues.
    #expect(tracker.update(time: 3.5, boxes: [face]) == [1])
}

@Test func irregularTimestampsAndEmptyFrames() {
    let times = irregularTimes(steps: 0.01...0.3, count: 200, seed: 5)
    let video = SyntheticVideo(
        faces: [
            SyntheticFace(box: face, velocity: (30, -10), hidden: [5.0..<5.4, 8.5..<9.2]),
            SyntheticFace(box: FaceBox(x: 400, y: 300, width: 60, height: 70), visible: 2.0..<20, hidden: [8..<10]),
        ],
        times: times, noise: 2, seed: 6)
    #expect(video.boxes.contains { $0.isEmpty })
    #expect(samePartition(video.trackWhole(), video.truth()))
}

@Test func emptyFramesEndTracksOnlyByTime() {
    var tracker = FaceTracker()
    _ = tracker.update(time: 0, boxes: [face])
    _ = tracker.update(time: 0.5, boxes: [])
    #expect(tracker.openTracks.count == 1)
    _ = tracker.update(time: 1.2, boxes: [])
    #expect(tracker.openTracks.isEmpty)
    #expect(tracker.update(time: 1.3, boxes: []) == [])
}

/// 20 small faces in a 5x4 grid (a classroom from the back of the room), each
/// swaying a little, some looking down (missed) for a moment.
func classroom(seed: UInt64, times: [Double]) -> SyntheticVideo {
    var faces: [SyntheticFace] = []
    var rng = SeededRandom(seed: seed)
    for row in 0..<4 {
        for col in 0..<5 {
            let box = FaceBox(x: 60 + Double(col) * 70, y: 50 + Double(row) * 60, width: 28, height: 32)
            let sway = (Double.random(in: -3...3, using: &rng), Double.random(in: -2...2, using: &rng))
            let down = Double.random(in: 0...8, using: &rng)
            faces.append(SyntheticFace(box: box, velocity: sway, hidden: (row + col) % 3 == 0 ? [down..<(down + 0.6)] : []))
        }
    }
    return SyntheticVideo(faces: faces, times: times, noise: 1, seed: seed)
}

@Test func twentySmallFaces() {
    let video = classroom(seed: 7, times: regularTimes(step: 1.0 / 8, count: 80))
    let ids = video.trackWhole()
    #expect(Set(ids.joined()).count == 20)
    #expect(samePartition(ids, video.truth()))
}

@Test func sameInputSameIdsAndSnapshotsResume() throws {
    let video = classroom(seed: 8, times: irregularTimes(steps: 0.05...0.2, count: 60, seed: 9))
    #expect(video.trackWhole() == video.trackWhole())

    // Stop half way, save, restore from JSON, continue: same ids as one run.
    var tracker = FaceTracker()
    var ids: [[Int]] = []
    for i in 0..<30 { ids.append(tracker.update(time: video.times[i], boxes: video.boxes[i])) }
    let saved = try JSONEncoder().encode(tracker)
    var restored = try JSONDecoder().decode(FaceTracker.self, from: saved)
    #expect(restored == tracker)
    for i in 30..<60 { ids.append(restored.update(time: video.times[i], boxes: video.boxes[i])) }
    #expect(ids == video.trackWhole())
}

@Test func endTracksExportsTracksPastTheGapWithoutMovingTheClock() {
    var tracker = FaceTracker()
    _ = tracker.update(time: 0, boxes: [face, FaceBox(x: 400, y: 100, width: 80, height: 80)])
    _ = tracker.update(time: 0.8, boxes: [face])
    let ended = tracker.endTracks(unseenSince: 1.5)
    #expect(ended.map(\.id) == [1])
    #expect(ended[0].hits == 1)
    #expect(tracker.openTracks.map(\.id) == [0])
    #expect(tracker.lastTime == 0.8)
}
