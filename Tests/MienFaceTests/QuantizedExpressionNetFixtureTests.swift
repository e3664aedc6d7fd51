import Foundation
import MienMedia
import MienNN
import MienTestSupport
import Testing

@testable import MienFace

/// The int8 form of a depthwise-separable (`ds`) expression-net against the
/// Python integer simulation (`Models/quantize_expression_net.py`, float64,
/// so its sums are exact), on the small random-weight ds network of
/// `Models/training/make_ds_test_model.py` and its committed calibration: a ds
/// stem, a strided block with a 1x1 shortcut, an identity block,
/// squeeze-excitation and pruned inner widths.
@Suite("expression-net ds int8 matches the Python integer simulation")
struct QuantizedSeparableExpressionNetTests {
    static let folder = Result { try ModelDirectory.locate() + "/reference/" }
    static let loaded = Result { () throws -> QuantizedExpressionNet in
        let folder = try Self.folder.get()
        let float = try ExpressionNet.load(path: folder + SeparableExpressionNetTests.weightName)
        return try QuantizedExpressionNet.load(float, calibrationPath: folder + "expression_net_ds_test.int8.json")
    }
    static func model() throws -> QuantizedExpressionNet { try loaded.get() }
    let reference: ReferenceFile
    init() throws { reference = try .named("expression_net_ds_test_int8_reference.safetensors") }

    // Measured: 0 stem bytes off, logits 2.1e-7, probabilities 3.0e-8. A stem
    // byte one step off (where another CPU's float32 first convolution might
    // round differently) moved the logits by at most 2.2e-5 in 50 tries; a
    // zero point off by one in the first pointwise convolutions moves them by
    // 8.8e-4 and the probabilities by 9.4e-5 (both checked to fail).
    /// Stem bytes one step off.
    static let stemBytesOff = 4
    /// Logits against the simulation.
    static let logitTolerance: Float = 1e-4
    /// Probabilities against the simulation.
    static let probabilityTolerance: Float = 2e-5

    func input() throws -> Tensor {
        let bytes = try reference.bytes("faces")
        let count = bytes.count / 2304
        try #require(count * 2304 == bytes.count && count > 0)
        let faces = (0..<count).map { PixelImage(width: 48, height: 48, layout: .gray, pixels: Array(bytes[($0 * 2304)..<(($0 + 1) * 2304)])) }
        return try Self.model().preprocessing.tensor(faces: faces)
    }

    @Test func theNetworkIsBuiltInIntegers() throws {
        let model = try Self.model()
        #expect(model.stem.separable != nil)
        #expect(model.blocks.count == 3 && model.blocks.allSatisfy { $0 is QuantizedSeparableBlock })
        let float = try ExpressionNet.load(path: try Self.folder.get() + SeparableExpressionNetTests.weightName)
        #expect(model.multiplyAdds == float.multiplyAdds, "the int8 form does the float network's multiply-adds")
    }

    @Test func theStemsUint8OutputMatches() throws {
        let model = try Self.model()
        let x = try input()
        var stem: [UInt8] = []
        _ = model.logits(x) { name, bytes in if name == "stem" { stem = bytes } }
        let want = try reference.bytes("stem_q")   // [N, C, 48, 48], NCHW
        let n = x.shape[0], channels = model.stem.outChannels, stride = QuantizedBatch.paddedStride(channels: channels), plane = 48 * 48
        try #require(want.count == n * channels * plane && stem.count == n * plane * stride)
        var off = 0, worst = 0
        for b in 0..<n { for c in 0..<channels { for p in 0..<plane {
            let d = abs(Int(stem[(b * plane + p) * stride + c]) - Int(want[(b * channels + c) * plane + p]))
            if d != 0 { off += 1; worst = max(worst, d) }
        } } }
        print("expression-net ds int8 parity: \(off) of \(want.count) stem bytes differ, by at most \(worst)")
        #expect(off <= Self.stemBytesOff && worst <= 1)
    }

    @Test func logitsAndProbabilitiesMatch() throws {
        let model = try Self.model()
        let x = try input()
        let worst = model.logits(x).maxAbsDifference(try reference.tensor("logits"))
        let worstP = try model.probabilities(x).maxAbsDifference(try reference.tensor("probabilities"))
        print("expression-net ds int8 parity: max |logit difference| \(worst), max |probability difference| \(worstP)")
        expectWithin(worst, Self.logitTolerance, "ds int8 logits")
        expectWithin(worstP, Self.probabilityTolerance, "ds int8 probabilities")
    }

    /// The fast path (C kernels and glue) gives the plain references' bits.
    @Test func logitsEqualTheReferencesBitForBit() throws {
        let model = try Self.model()
        let x = try input()
        #expect(model.logits(x).data == model.referenceLogits(x).data)
    }

    /// A calibration without a ds network's own scales is refused, naming the file and the scale.
    @Test func aMissingScaleIsNamed() throws {
        let float = try ExpressionNet.load(path: try Self.folder.get() + SeparableExpressionNetTests.weightName)
        let calibration = Int8Calibration(format: "mien-expression-net-int8", weights: SeparableExpressionNetTests.weightName,
                                          weightsSHA256: "", weightsProvenance: "", calibration: [:],
                                          activationScales: ["stem": 0.1, "stem.conv": 0.1])
        let error = try #require(throws: NNError.self) {
            _ = try QuantizedExpressionNet(float, calibration: calibration, calibrationFile: "ds.int8.json")
        }
        #expect(error.message.contains("ds.int8.json") && error.message.contains("stem.depthwise"))
    }
}
