import Foundation
import MienMedia
import MienNN
import MienTestSupport
import Testing

@testable import MienFace

/// YuNet-s against the NumPy float reference (`Models/yunet_reference.py`) and
/// the yuface wheel's integer output, on two crops of a real photo: one whose
/// sides are multiples of 32 and one that the detector must pad.
@Suite("YuNet matches its float reference and the yuface wheel")
struct YuNetTests {
    static let detector: YuNetDetector = {
        // libfacedetection's own threshold, as the reference was made with.
        do { return try YuNetDetector(settings: .init(scoreThreshold: 0.2)) } catch { fatalError("\(error)") }
    }()
    let reference: ReferenceFile
    init() throws { reference = try .named("yunet_reference.safetensors") }
    static let crops = ["crop128x128", "crop110x130"]

    // Tolerances: about 10x the largest error measured (see Tolerance.swift).
    /// The heads against the float reference: measured 2.7e-5.
    static let headTolerance: Float = 3e-4
    /// fb1 (the neck's first output) against the float reference: measured 2.9e-6.
    static let fb1Tolerance: Float = 3e-5
    /// model0's corners against the float reference: measured 1.3e-6.
    static let model0Tolerance: Float = 2e-5
    /// Face scores against the float reference: measured 0 (the same float32 values); 1e-6 is about 8 float32 steps below 1.
    static let scoreTolerance = 1e-6
    /// Boxes and landmarks against the float reference, in pixels: measured 7.6e-6 px.
    static let pixelTolerance = 8e-5
    /// The fast path's heads against every layer's plain reference: measured 1.7e-5.
    static let fastPathTolerance: Float = 2e-4
    /// Stacked separable heads against the separate units: measured 7.2e-7.
    static let stackedTolerance: Float = 8e-6

    func image(_ crop: String) throws -> PixelImage {
        let shape = try #require(reference.file.entries[crop + ".rgb"]?.shape, "\(crop).rgb is missing")
        try #require(shape.count == 3 && shape[2] == 3, "\(crop).rgb has shape \(shape)")
        return PixelImage(width: shape[1], height: shape[0], layout: .rgb, pixels: try reference.bytes(crop + ".rgb"))
    }

    /// Channels `range` of a `[1, C, h, w]` output as the reference's `[h, w, range.count]`.
    static func channels(_ t: Tensor, _ range: Range<Int>) -> Tensor {
        let (_, _, h, w) = t.nchw
        var out = Tensor(shape: [h, w, range.count])
        for y in 0..<h { for x in 0..<w { for (k, c) in range.enumerated() {
            out.data[(y * w + x) * range.count + k] = t.data[(c * h + y) * w + x]
        } } }
        return out
    }

    @Test(arguments: crops)
    func headsAndFeatureMapsMatchTheFloatReference(crop: String) throws {
        let trace = Self.detector.network.trace(try YuNetDetector.input(try image(crop)))
        var worst: Float = 0
        for (level, output) in trace.heads.enumerated() {
            for (head, range) in [("cls", 0..<1), ("obj", 1..<2), ("bbox", 2..<6), ("kps", 6..<16)] {
                let want = try reference.tensor("\(crop).level\(level).\(head)")
                let got = Self.channels(output, range)
                try #require(got.shape == want.shape, "\(crop) level \(level) \(head): shape \(got.shape), reference \(want.shape)")
                worst = max(worst, got.maxAbsDifference(want))
            }
        }
        let fb1 = Self.channels(trace.fb1, 0..<64)
        let fb1Reference = try reference.tensor(crop + ".neck.fb1")
        try #require(fb1.shape == fb1Reference.shape, "\(crop) fb1: shape \(fb1.shape), reference \(fb1Reference.shape)")
        let fb1Difference = fb1.maxAbsDifference(fb1Reference)
        let stem = Self.channels(trace.stem, 0..<16)
        let (h, w) = (stem.shape[0], stem.shape[1])
        var corner = Tensor(shape: [16, 16, 16]), lastCorner = Tensor(shape: [16, 16, 16])
        for y in 0..<16 { for x in 0..<16 { for c in 0..<16 {
            corner.data[(y * 16 + x) * 16 + c] = stem.data[(y * w + x) * 16 + c]
            lastCorner.data[(y * 16 + x) * 16 + c] = stem.data[((h - 16 + y) * w + (w - 16 + x)) * 16 + c]
        } } }
        let (topLeft, bottomRight) = (try reference.tensor(crop + ".model0.top_left"), try reference.tensor(crop + ".model0.bottom_right"))
        try #require(topLeft.shape == corner.shape && bottomRight.shape == corner.shape, "\(crop) model0 corners: shapes \(topLeft.shape), \(bottomRight.shape)")
        let stemDifference = max(corner.maxAbsDifference(topLeft), lastCorner.maxAbsDifference(bottomRight))
        print("YuNet parity \(crop): max |difference| heads \(worst), fb1 \(fb1Difference), model0 \(stemDifference)")
        expectWithin(worst, Self.headTolerance, "YuNet \(crop) heads")
        expectWithin(fb1Difference, Self.fb1Tolerance, "YuNet \(crop) fb1")
        expectWithin(stemDifference, Self.model0Tolerance, "YuNet \(crop) model0")
    }

    @Test(arguments: crops)
    func facesMatchTheFloatReference(crop: String) throws {
        let faces = try Self.detector.detect(try image(crop)).sorted { $0.score > $1.score }
        let scores = try reference.tensor(crop + ".faces.scores").data
        let boxes = try reference.tensor(crop + ".faces.boxes").data
        let marks = try reference.tensor(crop + ".faces.landmarks").data
        try #require(faces.count == scores.count, "\(crop): \(faces.count) faces, the reference has \(scores.count)")
        try #require(boxes.count == 4 * scores.count && marks.count == 10 * scores.count, "\(crop): reference boxes or landmarks miscounted")
        var scoreDifference = 0.0, pixelDifference = 0.0
        for (i, face) in faces.enumerated() {
            scoreDifference = max(scoreDifference, abs(face.score - Double(scores[i])))
            let box = [face.x1, face.y1, face.x2, face.y2]
            for k in 0..<4 { pixelDifference = max(pixelDifference, abs(box[k] - Double(boxes[4 * i + k]))) }
            for k in 0..<5 {
                pixelDifference = max(pixelDifference, abs(face.landmarks[k].x - Double(marks[10 * i + 2 * k])))
                pixelDifference = max(pixelDifference, abs(face.landmarks[k].y - Double(marks[10 * i + 2 * k + 1])))
            }
        }
        print("YuNet faces \(crop): \(faces.count), max |score difference| \(scoreDifference), max |pixel difference| \(pixelDifference)")
        expectWithin(scoreDifference, Self.scoreTolerance, "YuNet \(crop) face scores")
        expectWithin(pixelDifference, Self.pixelTolerance, "YuNet \(crop) boxes and landmarks (px)")
    }

    /// The wheel returns C `short` casts: score * 100, x1, y1, x2 - x1, y2 - y1, landmarks.
    @Test(arguments: crops)
    func facesMatchTheWheelWithinItsRounding(crop: String) throws {
        let faces = try Self.detector.detect(try image(crop)).sorted { $0.score > $1.score }
        let entry = try #require(reference.file.entries[crop + ".wheel.faces"])
        let wheel = try reference.int64s(crop + ".wheel.faces")
        try #require(wheel.count == 15 * entry.shape[0], "\(crop).wheel.faces holds \(wheel.count) values")
        #expect(faces.count == entry.shape[0])
        for (i, face) in faces.enumerated() where i < entry.shape[0] {
            let row = Array(wheel[(15 * i)..<(15 * i + 15)])
            var ours = [face.score * 100, face.x1, face.y1, face.x2 - face.x1, face.y2 - face.y1]
            for p in face.landmarks { ours += [p.x, p.y] }
            for (k, value) in ours.enumerated() {
                // Truncation toward zero; a float this close to an integer may truncate either way.
                let truncated = Int64(value.rounded(.towardZero))
                let nearBoundary = abs(value - value.rounded()) < 1e-3
                #expect(truncated == row[k] || (nearBoundary && abs(truncated - row[k]) <= 1), "\(crop) face \(i) value \(k): \(value) vs \(row[k])")
            }
        }
    }

    @Test func fastPathEqualsEveryLayersReference() throws {
        let input = try YuNetDetector.input(try image("crop110x130"))
        let fast = Self.detector.network(input), slow = Self.detector.network.reference(input)
        try #require(fast.count == slow.count)
        for (level, (a, b)) in zip(fast, slow).enumerated() {
            expectClose(a, b, within: Self.fastPathTolerance, "YuNet level \(level): fast path against every layer's reference")
        }
    }

    /// The detector's path (the first layers streamed row by row from the pixels)
    /// computes what the fast layers give one after another, bit for bit, on
    /// every kernel path; packed and planar pixels alike. 110x130 pads to
    /// 128x160: rows and columns of padding, and the streams' rings wrap many times.
    @Test func streamedFirstLayersGiveTheLayersBits() throws {
        let packed = try image("crop110x130")
        let planarPixels = (0..<3).flatMap { c in stride(from: c, to: packed.pixels.count, by: 3).map { packed.pixels[$0] } }
        let planar = PixelImage(width: packed.width, height: packed.height, layout: .rgbPlanar, pixels: planarPixels)
        let want = Self.detector.network(try YuNetDetector.input(packed))
        for pixels in [packed, planar] {
            let got = Self.detector.network.run(pixels)
            try #require(got.count == want.count)
            for (level, (a, b)) in zip(got, want).enumerated() {
                let first = a.data.indices.first { a.data[$0].bitPattern != b.data[$0].bitPattern }
                #expect(a.shape == b.shape && first == nil, "level \(level), \(pixels.layout): first difference at \(first ?? -1)")
            }
        }
    }

    @Test func inputIsPaddedToMultiplesOf32WithZeros() throws {
        let image = PixelImage(width: 33, height: 2, layout: .rgb, pixels: [UInt8](repeating: 200, count: 33 * 2 * 3))
        let x = try YuNetDetector.input(image)
        #expect(x.shape == [1, 3, 32, 64])
        #expect(x.data[0] == 200 && x.data[32] == 200 && x.data[33] == 0 && x.data[64 * 2] == 0)
        let planar = PixelImage(width: 2, height: 1, layout: .rgbPlanar, pixels: [1, 2, 3, 4, 5, 6])
        let p = try YuNetDetector.input(planar)
        #expect(p.data[0] == 1 && p.data[1] == 2 && p.data[32 * 32] == 3 && p.data[2 * 32 * 32 + 1] == 6)
    }

    @Test func grayAndEmptyImagesAreRefused() {
        #expect(throws: NNError.self) { try Self.detector.detect(PixelImage(width: 4, height: 4, layout: .gray, pixels: [UInt8](repeating: 0, count: 16))) }
        #expect(throws: NNError.self) { try Self.detector.detect(PixelImage(width: 0, height: 0, layout: .rgb, pixels: [])) }
    }

    @Test func stackedHeadsEqualTheSeparateUnits() throws {
        var data = Random(seed: 7)
        func tensor(_ shape: [Int]) -> Tensor { Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in data.float(2) - 1 }) }
        let units = [1, 4].map { n in
            SeparableUnit(pointwise: Conv2D(weight: tensor([n, 8, 1, 1]), bias: tensor([n]).data),
                          depthwise: DepthwiseConv2D(weight: tensor([n, 1, 3, 3]), bias: tensor([n]).data, padding: .symmetric(1)))
        }
        let x = tensor([1, 8, 9, 7])
        let joint = SeparableUnit.stacked(units)(x)
        let parts = units.map { $0.reference(x) }
        var expected: [Float] = []
        for p in parts { expected += p.data }
        expectClose(joint, Tensor(shape: [1, 5, 9, 7], data: expected), within: Self.stackedTolerance, "stacked heads")
    }
}
