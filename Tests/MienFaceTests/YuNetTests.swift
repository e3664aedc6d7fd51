import Foundation
import MienMedia
import MienNN
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
    let reference = ReferenceFile.named("yunet_reference.safetensors")
    static let crops = ["crop128x128", "crop110x130"]

    func image(_ crop: String) throws -> PixelImage {
        let shape = try reference.file.entries[crop + ".rgb"].map(\.shape) ?? []
        #expect(shape.count == 3 && shape[2] == 3)
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
        let trace = Self.detector.network.trace(try YuNetDetector.input(try image(crop)), banded: false)
        var worst: Float = 0
        for (level, output) in trace.heads.enumerated() {
            for (head, range) in [("cls", 0..<1), ("obj", 1..<2), ("bbox", 2..<6), ("kps", 6..<16)] {
                let want = try reference.tensor("\(crop).level\(level).\(head)")
                let got = Self.channels(output, range)
                #expect(got.shape == want.shape, "\(crop) level \(level) \(head)")
                worst = max(worst, got.maxAbsDifference(want))
            }
        }
        let fb1 = Self.channels(trace.fb1, 0..<64)
        let fb1Difference = fb1.maxAbsDifference(try reference.tensor(crop + ".neck.fb1"))
        let stem = Self.channels(try #require(trace.stem), 0..<16)
        let (h, w) = (stem.shape[0], stem.shape[1])
        var corner = Tensor(shape: [16, 16, 16]), lastCorner = Tensor(shape: [16, 16, 16])
        for y in 0..<16 { for x in 0..<16 { for c in 0..<16 {
            corner.data[(y * 16 + x) * 16 + c] = stem.data[(y * w + x) * 16 + c]
            lastCorner.data[(y * 16 + x) * 16 + c] = stem.data[((h - 16 + y) * w + (w - 16 + x)) * 16 + c]
        } } }
        let stemDifference = max(corner.maxAbsDifference(try reference.tensor(crop + ".model0.top_left")),
                                 lastCorner.maxAbsDifference(try reference.tensor(crop + ".model0.bottom_right")))
        print("YuNet parity \(crop): max |difference| heads \(worst), fb1 \(fb1Difference), model0 \(stemDifference)")
        #expect(worst <= 2e-4)
        #expect(fb1Difference <= 2e-4)
        #expect(stemDifference <= 2e-4)
    }

    @Test(arguments: crops)
    func facesMatchTheFloatReference(crop: String) throws {
        let faces = try Self.detector.detect(try image(crop)).sorted { $0.score > $1.score }
        let scores = try reference.tensor(crop + ".faces.scores").data
        let boxes = try reference.tensor(crop + ".faces.boxes").data
        let marks = try reference.tensor(crop + ".faces.landmarks").data
        #expect(faces.count == scores.count)
        guard faces.count == scores.count else { return }
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
        #expect(scoreDifference <= 1e-4)
        #expect(pixelDifference <= 0.05)
    }

    /// The wheel returns C `short` casts: score * 100, x1, y1, x2 - x1, y2 - y1, landmarks.
    @Test(arguments: crops)
    func facesMatchTheWheelWithinItsRounding(crop: String) throws {
        let faces = try Self.detector.detect(try image(crop)).sorted { $0.score > $1.score }
        let entry = try #require(reference.file.entries[crop + ".wheel.faces"])
        let wheel = try int64s(crop + ".wheel.faces")
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
        // 160 rows: the banded first layers cut the image several times.
        let input = try YuNetDetector.input(try image("crop110x130"))
        let fast = Self.detector.network(input), slow = Self.detector.network.reference(input)
        let whole = Self.detector.network.trace(input, banded: false).heads
        for ((a, b), c) in zip(zip(fast, slow), whole) {
            #expect(a.shape == b.shape)
            #expect(a.maxAbsDifference(b) <= 1e-4)
            #expect(a.maxAbsDifference(c) <= 1e-4)
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
        #expect(joint.shape == [1, 5, 9, 7])
        var expected: [Float] = []
        for p in parts { expected += p.data }
        #expect(Tensor(shape: [1, 5, 9, 7], data: expected).maxAbsDifference(joint) <= 1e-5)
    }

    /// The values of an I64 tensor.
    func int64s(_ name: String) throws -> [Int64] {
        let raw = reference.raw
        let headerLength = Int(raw.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        let header = try JSONSerialization.jsonObject(with: raw[8..<(8 + headerLength)]) as! [String: Any]
        let entry = header[name] as! [String: Any]
        let offsets = entry["data_offsets"] as! [Int]
        let bytes = [UInt8](raw[(8 + headerLength + offsets[0])..<(8 + headerLength + offsets[1])])
        return stride(from: 0, to: bytes.count, by: 8).map { i in
            Int64(bitPattern: (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[i + $1]) << (8 * UInt64($1)) })
        }
    }
}
