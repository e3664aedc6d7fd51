import Foundation
import MienNN

/// Turns YuNet's raw level outputs into faces, as libfacedetection does:
/// every cell is a prior at `(col * stride, row * stride)` (no half-cell
/// offset); its score is `sqrt(sigmoid(cls) * sigmoid(obj))`; the box centre is
/// `prior + offset * stride` and its sides `exp(offset) * stride`; each landmark
/// is `prior + offset * stride`. Cells at or above the score threshold go through
/// IoU non-maximum suppression, highest score first.
struct YuNetDecoder: Sendable {
    /// Lowest score kept before suppression.
    var scoreThreshold: Float
    /// IoU above which a lower-scored box is suppressed.
    var nmsThreshold: Double
    /// At most this many candidates, the highest-scored, enter suppression.
    var topK: Int
    /// At most this many faces are kept after it.
    var keepTopK: Int

    /// A decoded cell before suppression.
    struct Candidate: Sendable, Equatable {
        var x1, y1, x2, y2: Float
        var score: Float
        /// x, y of the left eye, right eye, nose, left and right mouth corners.
        var landmarks: [Float]
    }

    /// libfacedetection clamps logits to this before the sigmoid.
    static let logitLimit: Float = 88.3762626647949

    static func sigmoid(_ v: Float) -> Float {
        let x = min(max(v, -logitLimit), logitLimit)
        return 1 / (1 + expf(-x))
    }

    /// Every cell of every level whose score reaches the threshold. `levels[i]`
    /// is `[1, 16, h, w]` at `YuNetNetwork.strides[i]`.
    func candidates(_ levels: [Tensor]) -> [Candidate] {
        var found: [Candidate] = []
        for (level, output) in levels.enumerated() {
            let stride = Float(YuNetNetwork.strides[level])
            let (_, c, h, w) = output.nchw
            precondition(c == YuNetNetwork.headChannels, "a YuNet level has 16 channels, got \(output.shape)")
            let plane = h * w
            output.data.withUnsafeBufferPointer { p in
                for cell in 0..<plane {
                    let score = (Self.sigmoid(p[cell]) * Self.sigmoid(p[plane + cell])).squareRoot()
                    guard score >= scoreThreshold else { continue }
                    let px = Float(cell % w) * stride, py = Float(cell / w) * stride
                    let cx = p[2 * plane + cell] * stride + px, cy = p[3 * plane + cell] * stride + py
                    let bw = expf(p[4 * plane + cell]) * stride, bh = expf(p[5 * plane + cell]) * stride
                    var marks = [Float](repeating: 0, count: 10)
                    for k in 0..<5 {
                        marks[2 * k] = p[(6 + 2 * k) * plane + cell] * stride + px
                        marks[2 * k + 1] = p[(7 + 2 * k) * plane + cell] * stride + py
                    }
                    found.append(Candidate(x1: cx - bw / 2, y1: cy - bh / 2, x2: cx + bw / 2, y2: cy + bh / 2,
                                           score: score, landmarks: marks))
                }
            }
        }
        return found
    }

    /// The faces: candidates, the `topK` best, suppression, the `keepTopK` best, highest score first.
    func faces(_ levels: [Tensor]) -> [FaceDetection] {
        var all = candidates(levels)
        let order = all.indices.sorted { all[$0].score > all[$1].score || (all[$0].score == all[$1].score && $0 < $1) }
        all = order.prefix(topK).map { all[$0] }
        let boxes = all.map { CandidateBox(x1: $0.x1, y1: $0.y1, x2: $0.x2, y2: $0.y2, score: $0.score, reg: .zero) }
        let kept = NonMaximumSuppression.keep(boxes, threshold: nmsThreshold, overlap: .iou).prefix(keepTopK)
        return kept.map { i in
            let c = all[i]
            let points = (0..<5).map { FaceDetection.Point(x: Double(c.landmarks[2 * $0]), y: Double(c.landmarks[2 * $0 + 1])) }
            return FaceDetection(x1: Double(c.x1), y1: Double(c.y1), x2: Double(c.x2), y2: Double(c.y2),
                                 score: Double(c.score), landmarks: points)
        }
    }
}
