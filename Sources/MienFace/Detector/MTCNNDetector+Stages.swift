import MienNN

/// The three stages of the cascade. Each follows facenet-pytorch's
/// `detect_face` step by step; `Models/README.md` lists the details kept.
extension MTCNNDetector {
    /// Stage 1: P-Net over the pyramid. Cells scoring `>= thresholds[0]` become
    /// boxes, suppressed per level (IoU 0.5) and then over all levels (IoU 0.7),
    /// regressed (widths without +1) and made square.
    func proposeFaces(_ resizer: AreaResizer, clock: inout StageClock) -> [CandidateBox] {
        let threshold = Float(settings.thresholds[0])
        let whole = AreaResize.Region(x: 0, y: 0, width: resizer.width, height: resizer.height)
        var all: [CandidateBox] = []
        for scale in Self.pyramidScales(height: resizer.height, width: resizer.width, settings: settings) {
            let (h, w) = Self.levelSize(height: resizer.height, width: resizer.width, scale: scale)
            let outputs = PNet.outputSize(height: h, width: w)
            // The level goes through P-Net in bands of output rows, each resized
            // straight from the image: the same scores as the whole
            // level at once, with bounded working buffers (a whole 1280x720
            // level holds 10 MB of conv3 output alone). Bands of equal height
            // (at least 4 rows each, so every band's input is at least 12 rows high).
            let bands = (outputs.height + Self.pnetBandRows(width: outputs.width) - 1) / Self.pnetBandRows(width: outputs.width)
            var boxes: [CandidateBox] = []
            for band in 0..<bands {
                let first = band * outputs.height / bands, end = (band + 1) * outputs.height / bands
                let rows = PNet.inputRows(forOutputRows: first ..< end, height: h)
                var band = Tensor(shape: [1, 3, rows.count, w])
                band.data.withUnsafeMutableBufferPointer {
                    resizer.resize(whole, outHeight: h, outWidth: w, rows: rows, into: $0.baseAddress!)
                }
                clock.lap(.resize)
                let (reg, prob) = pnet(band)
                clock.lap(.pnet)
                boxes += Self.cellBoxes(reg: reg, prob: prob, scale: scale, threshold: threshold, firstRow: first)
            }
            for k in NonMaximumSuppression.keep(boxes, threshold: 0.5, overlap: .iou) { all.append(boxes[k]) }
            clock.lap(.proposals)
        }
        var proposals = NonMaximumSuppression.keep(all, threshold: 0.7, overlap: .iou).map { all[$0] }
        for k in proposals.indices {
            proposals[k].regressWithoutOne()
            proposals[k].makeSquare()
        }
        clock.lap(.proposals)
        return proposals
    }

    /// About how many P-Net output cells one band holds. Each band recomputes
    /// 10 input rows of conv1 and 2 of conv2 that the band before it also had,
    /// so bands are large: 16,384 cells (about 7 MB of activations) took about
    /// 2% less CPU on 640x360 frames than 4,096, whose buffers fitted in cache
    /// when the convolutions unfolded their inputs; a whole level at once was no faster.
    static let pnetBandPositions = 16384

    /// Output rows per P-Net band for score maps `width` cells wide (at least 4).
    static func pnetBandRows(width: Int) -> Int { max(4, pnetBandPositions / max(width, 1)) }

    /// `generateBoundingBox`: the 12x12 window of each P-Net cell whose face
    /// probability is at least `threshold`, in image pixels, in row-major cell order;
    /// row 0 of the maps is row `firstRow` of the level.
    /// Cell (x, y) gives `floor((2x + 1) / scale) ... floor((2x + 12) / scale)`, in float32.
    static func cellBoxes(reg: Tensor, prob: Tensor, scale: Double, threshold: Float, firstRow: Int = 0) -> [CandidateBox] {
        let (_, _, h, w) = prob.nchw
        let plane = h * w
        let s = Float(scale)
        var boxes: [CandidateBox] = []
        prob.data.withUnsafeBufferPointer { p in
            reg.data.withUnsafeBufferPointer { r in
                let face = p.baseAddress! + plane
                for y in 0..<h {
                    for x in 0..<w where face[y * w + x] >= threshold {
                        let i = y * w + x
                        let fx = Float(x), fy = Float(firstRow + y)
                        boxes.append(CandidateBox(
                            x1: ((2 * fx + 1) / s).rounded(.down), y1: ((2 * fy + 1) / s).rounded(.down),
                            x2: ((2 * fx + 12) / s).rounded(.down), y2: ((2 * fy + 12) / s).rounded(.down),
                            score: face[i], reg: SIMD4(r[i], r[plane + i], r[2 * plane + i], r[3 * plane + i])))
                    }
                }
            }
        }
        return boxes
    }

    /// Stage 2: R-Net on 24x24 crops. Keeps probabilities `> thresholds[1]`,
    /// suppresses (IoU 0.7), regresses (widths with +1) and makes square.
    func refineFaces(_ proposals: [CandidateBox], _ resizer: AreaResizer, clock: inout StageClock) -> [CandidateBox] {
        let (boxes, input) = Self.crops(proposals, resizer, size: RNet.inputSize)
        clock.lap(.rnetCrops)
        let (reg, prob) = rnet(input)
        clock.lap(.rnet)
        let threshold = Float(settings.thresholds[1])
        var passed: [CandidateBox] = []
        for k in boxes.indices where prob.data[k * 2 + 1] > threshold {
            var box = boxes[k]
            box.score = prob.data[k * 2 + 1]
            box.reg = SIMD4(reg.data[k * 4], reg.data[k * 4 + 1], reg.data[k * 4 + 2], reg.data[k * 4 + 3])
            passed.append(box)
        }
        var refined = NonMaximumSuppression.keep(passed, threshold: 0.7, overlap: .iou).map { passed[$0] }
        for k in refined.indices {
            refined[k].regress(refined[k].reg)
            refined[k].makeSquare()
        }
        clock.lap(.rnetBoxes)
        return refined
    }

    /// Stage 3: O-Net on 48x48 crops. Keeps probabilities `> thresholds[2]`,
    /// places the landmarks in the box before regression, regresses (with +1),
    /// suppresses with the "Min" overlap (0.7) and sorts by area, largest first.
    func finishFaces(_ refined: [CandidateBox], _ resizer: AreaResizer, clock: inout StageClock) -> [FaceDetection] {
        let (boxes, input) = Self.crops(refined, resizer, size: ONet.inputSize)
        clock.lap(.onetCrops)
        let (reg, landmarks, prob) = onet(input)
        clock.lap(.onet)
        let threshold = Float(settings.thresholds[2])
        var passed: [CandidateBox] = []
        var points: [[FaceDetection.Point]] = []
        for k in boxes.indices where prob.data[k * 2 + 1] > threshold {
            var box = boxes[k]
            box.score = prob.data[k * 2 + 1]
            let w = box.x2 - box.x1 + 1, h = box.y2 - box.y1 + 1
            let l = landmarks.data[(k * 10)..<(k * 10 + 10)].map { $0 }
            points.append((0..<5).map { i in
                FaceDetection.Point(x: Double(w * l[i] + box.x1 - 1), y: Double(h * l[i + 5] + box.y1 - 1))
            })
            box.regress(SIMD4(reg.data[k * 4], reg.data[k * 4 + 1], reg.data[k * 4 + 2], reg.data[k * 4 + 3]))
            passed.append(box)
        }
        let kept = NonMaximumSuppression.keep(passed, threshold: 0.7, overlap: .minimum)
        // MTCNN.detect with select_largest: by (x2 - x1) * (y2 - y1) in float32, largest first.
        let ordered = kept.enumerated().sorted {
            passed[$0.element].area > passed[$1.element].area || (passed[$0.element].area == passed[$1.element].area && $0.offset < $1.offset)
        }.map(\.element)
        let faces = ordered.map { k in
            let b = passed[k]
            return FaceDetection(x1: Double(b.x1), y1: Double(b.y1), x2: Double(b.x2), y2: Double(b.y2),
                                 score: Double(b.score), landmarks: points[k])
        }
        clock.lap(.onetBoxes)
        return faces
    }

    /// The boxes that have a non-empty crop, and their crops resized to
    /// `size` x `size` and normalised, one batch `[n, 3, size, size]`.
    /// (facenet-pytorch skips an empty crop but keeps its box, which would
    /// misalign boxes and scores; boxes that have one are squares of side >= 1
    /// inside or overlapping the image, so it does not arise in practice.)
    static func crops(_ candidates: [CandidateBox], _ resizer: AreaResizer, size: Int) -> ([CandidateBox], Tensor) {
        var boxes: [CandidateBox] = [], regions: [AreaResize.Region] = []
        for box in candidates {
            if let region = box.cropRegion(imageWidth: resizer.width, imageHeight: resizer.height) {
                boxes.append(box)
                regions.append(region)
            }
        }
        var input = Tensor(shape: [regions.count, 3, size, size])
        input.data.withUnsafeMutableBufferPointer { out in
            for (k, region) in regions.enumerated() {
                resizer.resize(region, outHeight: size, outWidth: size, into: out.baseAddress! + k * 3 * size * size)
            }
        }
        return (boxes, input)
    }
}
