import Testing

@testable import MienFace

@Suite("Non-maximum suppression: torchvision IoU and facenet-pytorch's Min")
struct NonMaximumSuppressionTests {
    func box(_ x1: Float, _ y1: Float, _ x2: Float, _ y2: Float, _ score: Float) -> CandidateBox {
        CandidateBox(x1: x1, y1: y1, x2: x2, y2: y2, score: score, reg: .zero)
    }

    @Test func iouHasNoPlusOne() {
        // Two 10x10 boxes overlapping in 10x5: IoU = 50 / 150 = 0.333 (with +1 it would be 66/176 = 0.375).
        let boxes = [box(0, 0, 10, 10, 0.9), box(0, 5, 10, 15, 0.8)]
        #expect(NonMaximumSuppression.keep(boxes, threshold: 0.34, overlap: .iou) == [0, 1])
        #expect(NonMaximumSuppression.keep(boxes, threshold: 0.33, overlap: .iou) == [0])
    }

    @Test func minimumUsesTheSmallerAreaWithPlusOne() {
        // A 5x5 box (6x6 with +1 = 36) inside a 20x20 one: overlap 36 / 36 = 1.
        let boxes = [box(0, 0, 20, 20, 0.5), box(2, 2, 7, 7, 0.9)]
        #expect(NonMaximumSuppression.keep(boxes, threshold: 0.7, overlap: .minimum) == [1])
        #expect(NonMaximumSuppression.keep(boxes, threshold: 0.7, overlap: .iou) == [1, 0])
        // Touching edges overlap by one pixel under +1: 1x11 / 121 = 0.09.
        let touching = [box(0, 0, 10, 10, 0.9), box(10, 0, 20, 10, 0.8)]
        #expect(NonMaximumSuppression.keep(touching, threshold: 0.05, overlap: .minimum) == [0])
        #expect(NonMaximumSuppression.keep(touching, threshold: 0.05, overlap: .iou) == [0, 1])
    }

    @Test func keptInDescendingScoreOrderTiesInInputOrder() {
        let boxes = [box(0, 0, 1, 1, 0.5), box(10, 10, 11, 11, 0.9), box(20, 20, 21, 21, 0.5)]
        #expect(NonMaximumSuppression.keep(boxes, threshold: 0.5, overlap: .iou) == [1, 0, 2])
    }

    @Test(arguments: [(0.5, NonMaximumSuppression.Overlap.iou), (0.7, .iou), (0.7, .minimum), (0.3, .minimum)])
    func fastEqualsReference(threshold: Double, overlap: NonMaximumSuppression.Overlap) {
        var random = Random(seed: 11)
        let boxes = (0..<400).map { _ in
            let x = random.float(200), y = random.float(200), side = 5 + random.float(60)
            return box(x, y, x + side * (0.8 + random.float(0.4)), y + side, random.float(1))
        } + [box(5, 5, 5, 5, 0.95), box(5, 5, 5, 5, 0.94)]  // zero-area boxes: IoU 0/0
        let fast = NonMaximumSuppression.keep(boxes, threshold: threshold, overlap: overlap)
        #expect(fast == NonMaximumSuppression.reference(boxes, threshold: threshold, overlap: overlap))
        #expect(fast.count > 10 && fast.count < boxes.count)
    }
}
