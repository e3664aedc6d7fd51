import Foundation
import MienMedia
import MienNN
import MienTestSupport
import Testing

@testable import MienFace

/// expression-net's int8 form against `Models/quantize_expression_net.py`'s
/// integer simulation (float64, so its sums are exact) on the 16 reference
/// faces. The two differ only where a float32 value sits on a rounding
/// boundary: the stem runs in float32 in both, through different code.
@Suite("expression-net int8 matches the Python integer simulation")
struct QuantizedExpressionNetTests {
    static let loaded = Result { try QuantizedExpressionNet.load() }
    static func model() throws -> QuantizedExpressionNet { try loaded.get() }
    let reference: ReferenceFile
    init() throws { reference = try .named("expression_net_int8_reference.safetensors") }

    // Tolerances: about 10x the largest difference measured (see Tolerance.swift).
    /// Stem bytes that differ by one step (a float32 value at a rounding boundary): measured 0 of 1,769,472 (dense: 0 of 884,736).
    static let stemBytesOff = 100
    /// Logits of most faces against the simulation: measured 2.4e-7 (ds-born,
    /// all 16 faces; ds-long, 15 of 16) and 9.5e-7 (dense, 15 of 16).
    static let logitTolerance: Float = 1e-5
    /// Faces allowed past `logitTolerance`: squeeze-excitation, the residual
    /// add and the head run in float32 through different code, so a value at a
    /// rounding tie can land one byte apart and carry on through the later
    /// layers (one face of 16 in two of the three networks measured: ds-long's
    /// face 5, the dense one's face 4). A wrong scale or zero point moves every face.
    static let facesAtATie = 2
    /// Logits of such a face: measured 0.047 (ds-long) and 1.6e-3 (dense).
    static let tieLogitTolerance: Float = 0.2
    /// Probabilities against the simulation: measured 1.2e-7 (ds-born), 2.3e-3 (ds-long) and 3.5e-4 (dense).
    static let probabilityTolerance: Float = 0.02
    /// One face alone against the same face in a batch (the float32 stem and
    /// dense layers sum in a batch-dependent order): measured 3.7e-8.
    static let batchTolerance: Float = 1e-6

    func input() throws -> Tensor {
        let bytes = try reference.bytes("faces")
        try #require(bytes.count == 16 * 48 * 48)
        let faces = (0..<16).map { PixelImage(width: 48, height: 48, layout: .gray, pixels: Array(bytes[($0 * 2304)..<(($0 + 1) * 2304)])) }
        return try Self.model().preprocessing.tensor(faces: faces)
    }

    @Test func theStemsUint8OutputMatches() throws {
        let model = try Self.model()
        var stem: [UInt8] = []
        _ = model.logits(try input()) { name, bytes in if name == "stem" { stem = bytes } }
        let want = try reference.bytes("stem_q")   // [16, 24, 48, 48], NCHW
        let channels = model.stem.outChannels, stride = (channels + 15) / 16 * 16, plane = 48 * 48
        try #require(want.count == 16 * channels * plane && stem.count == 16 * plane * stride)
        var off = 0, worst = 0
        for n in 0..<16 { for c in 0..<channels { for p in 0..<plane {
            let d = abs(Int(stem[(n * plane + p) * stride + c]) - Int(want[(n * channels + c) * plane + p]))
            if d != 0 { off += 1; worst = max(worst, d) }
        } } }
        print("expression-net int8 parity: \(off) of \(want.count) stem bytes differ, by at most \(worst)")
        #expect(off <= Self.stemBytesOff && worst <= 1)
    }

    @Test func logitsAndProbabilitiesMatch() throws {
        let model = try Self.model()
        let x = try input()
        let logits = model.logits(x), want = try reference.tensor("logits")
        let worst = logits.maxAbsDifference(want)
        let probabilities = try model.probabilities(x)
        let worstP = probabilities.maxAbsDifference(try reference.tensor("probabilities"))
        let perFace: [Float] = (0..<16).map { (i: Int) -> Float in
            let got = logits.batch(i..<(i + 1)), expected = want.batch(i..<(i + 1))
            return got.maxAbsDifference(expected)
        }
        let shown = perFace.map { String(format: "%.1e", Double($0)) }.joined(separator: " ")
        print("expression-net int8 parity: max |logit difference| \(worst), max |probability difference| \(worstP); per face \(shown)")
        #expect(perFace.filter { $0 > Self.logitTolerance }.count <= Self.facesAtATie, "faces past \(Self.logitTolerance): \(shown)")
        expectWithin(worst, Self.tieLogitTolerance, "expression-net int8 logits")
        expectWithin(worstP, Self.probabilityTolerance, "expression-net int8 probabilities")
        for i in 0..<7 {   // the real faces: the same class
            let row = logits.data[(i * 7)..<(i * 7 + 7)], w = want.data[(i * 7)..<(i * 7 + 7)]
            #expect(row.firstIndex(of: row.max()!) == w.firstIndex(of: w.max()!), "face \(i)")
        }
    }

    /// A face alone gives what it gives in a batch (chunks of 8), but for the float32 layers' rounding.
    @Test func aFaceAloneEqualsTheSameFaceInABatch() throws {
        let model = try Self.model()
        let x = try input()
        let all = try model.probabilities(x)
        for i in [0, 9, 15] {
            let one = try model.probabilities(x.batch(i..<(i + 1)))
            let worst = zip(one.data, all.data[(i * 7)..<(i * 7 + 7)]).map { abs($0 - $1) }.max()!
            expectWithin(worst, Self.batchTolerance, "face \(i) alone against in the batch")
        }
    }

    @Test func scalesForOtherWeightsAreRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mien-int8-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("scales.json").path
        let original = try String(contentsOfFile: try ModelDirectory.path(Int8Calibration.fileName), encoding: .utf8)
        let edited = original.replacingOccurrences(of: "\"weights_provenance\": \"", with: "\"weights_provenance\": \"other ")
        try edited.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ClassifierError.self) { try QuantizedExpressionNet.load(try ExpressionNet.load(), calibrationPath: path) }
        try "{}".write(toFile: path, atomically: true, encoding: .utf8)
        let error = try #require(throws: ClassifierError.self) { try QuantizedExpressionNet.load(try ExpressionNet.load(), calibrationPath: path) }
        #expect(error.message.contains(path))
    }
}

/// The int8 network's fast path (C kernels and glue) against its plain
/// references, value for value.
@Suite("expression-net int8: fast path bit-exact against the plain references")
struct QuantizedExpressionNetExactTests {
    @Test func logitsEqualTheReferencesBitForBit() throws {
        let model = try QuantizedExpressionNetTests.model()
        var faces: [PixelImage] = []
        for k in 0..<5 {   // smooth gradients and a bright square, so every layer sees varied values
            faces.append(PixelImage(width: 48, height: 48, layout: .gray, pixels: (0..<2304).map { i in
                let (y, x) = (i / 48, i % 48)
                return UInt8((x * (k + 1) * 5 + y * 3 + (abs(x - 24) < 8 && abs(y - 20) < 8 ? 90 : 0)) % 256)
            }))
        }
        let input = try model.preprocessing.tensor(faces: faces)
        #expect(model.logits(input).data == model.referenceLogits(input).data)
    }

    @Test func quantizingEqualsTheReference() {
        let x = Tensor(shape: [2, 3, 4, 5], data: (0..<120).map { Float($0 % 17) * 0.37 - 1.5 + ($0 % 5 == 0 ? 0.185 : 0) })
        for scale: Float in [0.01, 0.37, 0.0123] {
            #expect(QuantizedBatch(quantizing: x, scale: scale, stride: 16) == QuantizedBatch(referenceQuantizing: x, scale: scale, stride: 16))
        }
    }
}
