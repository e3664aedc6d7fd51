import Testing

@testable import MienFace

@Suite("Matching detections to labelled faces, precision and recall")
struct DetectionTallyTests {
    func face(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ score: Double) -> FaceDetection {
        FaceDetection(x1: x1, y1: y1, x2: x2, y2: y2, score: score, landmarks: [])
    }

    @Test func iouOfKnownBoxes() {
        #expect(DetectionMatch.iou((0, 0, 10, 10), (0, 0, 10, 10)) == 1)
        #expect(DetectionMatch.iou((0, 0, 10, 10), (5, 0, 15, 10)) == 50.0 / 150.0)
        #expect(DetectionMatch.iou((0, 0, 10, 10), (20, 20, 30, 30)) == 0)
        #expect(DetectionMatch.iou((0, 0, 0, 0), (0, 0, 0, 0)) == 0)
    }

    @Test func higherScoreTakesTheFaceAndADuplicateIsAFalsePositive() {
        // Two detections on the same labelled face: the better-scored one matches, the other does not.
        let m = DetectionMatch(detections: [((1, 0, 11, 10), 0.6), ((0, 0, 10, 10), 0.9)], truth: [(0, 0, 10, 10)])
        #expect(m.detectionMatches == [nil, 0])
        #expect(m.truthMatches == [1])
    }

    @Test func overlapBelowTheThresholdDoesNotMatch() {
        let m = DetectionMatch(detections: [((5, 0, 15, 10), 0.9)], truth: [(0, 0, 10, 10)])   // IoU 1/3
        #expect(m.detectionMatches == [nil] && m.truthMatches == [nil])
        #expect(DetectionMatch(detections: [((5, 0, 15, 10), 0.9)], truth: [(0, 0, 10, 10)], iou: 0.3).truthMatches == [0])
    }

    @Test func eachDetectionTakesTheLabelledFaceItOverlapsMost() {
        let m = DetectionMatch(detections: [((2, 0, 12, 10), 0.9)], truth: [(0, 0, 10, 10), (2, 0, 12, 10)])
        #expect(m.detectionMatches == [1])
    }

    @Test func thresholdsSizesAndCounts() {
        var tally = DetectionTally(thresholds: [0.5, 0.2], sizeBuckets: [0, 24])
        #expect(tally.thresholds == [0.2, 0.5])
        let truth: [DetectionMatch.Box] = [(0, 0, 20, 20), (100, 100, 150, 150)]           // 20 px and 50 px high
        tally.add(detections: [face(0, 0, 20, 20, 0.9), face(100, 100, 150, 150, 0.3), face(300, 300, 330, 330, 0.25)], truth: truth)
        tally.add(detections: [], truth: [])
        #expect(tally.images == 2)
        let low = tally.counts[0], high = tally.counts[1]
        #expect((low.truePositives, low.falsePositives, low.misses) == (2, 1, 0))
        #expect((high.truePositives, high.falsePositives, high.misses) == (1, 0, 1))
        #expect(low.precision == 2.0 / 3.0 && low.recall == 1)
        #expect(high.precision == 1 && high.recall == 0.5)
        #expect(high.labelledBySize == [1, 1] && high.foundBySize == [1, 0])
        #expect(high.recall(fromBucket: 1) == 0)
        #expect(tally.bucket(ofHeight: 23.9) == 0 && tally.bucket(ofHeight: 24) == 1)
    }

    @Test func noDetectionsAndNoFacesAreFullPrecisionAndRecall() {
        var tally = DetectionTally(thresholds: [0.5])
        tally.add(detections: [], truth: [])
        #expect(tally.counts[0].precision == 1 && tally.counts[0].recall == 1)
    }
}
