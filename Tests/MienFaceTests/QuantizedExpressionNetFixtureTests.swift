import Foundation
import MienMedia
import MienNN
import MienTestSupport
import Testing

@testable import MienFace

/// The int8 form of expression-net against the Python integer simulation
/// (`Models/quantize_expression_net.py`, float64, so its sums are exact), on
/// the small random-weight fixtures of `Models/training/make_test_models.py`
/// and their committed calibrations (`make_test_int8.py`): one network per
/// block kind (ds and dense), each with a strided block with a 1x1 shortcut,
/// an identity block, squeeze-excitation and pruned inner widths.
@Suite("expression-net int8 fixtures match the Python integer simulation")
struct QuantizedExpressionNetFixtureTests {
    static func model(_ fixture: ExpressionNetFixture) throws -> QuantizedExpressionNet {
        try QuantizedExpressionNet.load(try fixture.load(),
                                        calibrationPath: try ModelDirectory.locate() + "/reference/" + fixture.calibrationName)
    }

    // Measured: 0 stem bytes off, logits 2.1e-7 (ds) and 1.3e-7 (dense),
    // probabilities 3.0e-8 (both). On the ds fixture, a
    // stem byte one step off (where another CPU's float32 first convolution
    // might round differently) moved the logits by at most 2.2e-5 in 50 tries;
    // a zero point off by one in the first pointwise convolutions moves them
    // by 8.8e-4 and the probabilities by 9.4e-5 (both checked to fail).
    /// Stem bytes one step off.
    static let stemBytesOff = 4
    /// Logits against the simulation.
    static let logitTolerance: Float = 1e-4
    /// Probabilities against the simulation.
    static let probabilityTolerance: Float = 2e-5

    func input(_ reference: ReferenceFile, _ model: QuantizedExpressionNet) throws -> Tensor {
        let bytes = try reference.bytes("faces")
        let count = bytes.count / 2304
        try #require(count * 2304 == bytes.count && count > 0)
        let faces = (0..<count).map { PixelImage(width: 48, height: 48, layout: .gray, pixels: Array(bytes[($0 * 2304)..<(($0 + 1) * 2304)])) }
        return try model.preprocessing.tensor(faces: faces)
    }

    @Test(arguments: ExpressionNetFixture.allCases)
    func theNetworkIsBuiltInIntegers(fixture: ExpressionNetFixture) throws {
        let model = try Self.model(fixture)
        #expect((model.stem.separable != nil) == (fixture == .ds))
        #expect(model.blocks.count == 3)
        switch fixture {
        case .ds: #expect(model.blocks.allSatisfy { $0 is QuantizedSeparableBlock })
        case .dense: #expect(model.blocks.allSatisfy { $0 is QuantizedBasicBlock })
        }
        #expect(model.multiplyAdds == (try fixture.load()).multiplyAdds, "the int8 form does the float network's multiply-adds")
    }

    @Test(arguments: ExpressionNetFixture.allCases)
    func theStemsUint8OutputMatches(fixture: ExpressionNetFixture) throws {
        let model = try Self.model(fixture), reference = try ReferenceFile.named(fixture.int8ReferenceName)
        let x = try input(reference, model)
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
        print("expression-net \(fixture) int8 parity: \(off) of \(want.count) stem bytes differ, by at most \(worst)")
        #expect(off <= Self.stemBytesOff && worst <= 1)
    }

    @Test(arguments: ExpressionNetFixture.allCases)
    func logitsAndProbabilitiesMatch(fixture: ExpressionNetFixture) throws {
        let model = try Self.model(fixture), reference = try ReferenceFile.named(fixture.int8ReferenceName)
        let x = try input(reference, model)
        let worst = model.logits(x).maxAbsDifference(try reference.tensor("logits"))
        let worstP = try model.probabilities(x).maxAbsDifference(try reference.tensor("probabilities"))
        print("expression-net \(fixture) int8 parity: max |logit difference| \(worst), max |probability difference| \(worstP)")
        expectWithin(worst, Self.logitTolerance, "\(fixture) int8 logits")
        expectWithin(worstP, Self.probabilityTolerance, "\(fixture) int8 probabilities")
    }

    /// The fast path (C kernels and glue) gives the plain references' bits.
    @Test(arguments: ExpressionNetFixture.allCases)
    func logitsEqualTheReferencesBitForBit(fixture: ExpressionNetFixture) throws {
        let model = try Self.model(fixture), reference = try ReferenceFile.named(fixture.int8ReferenceName)
        let x = try input(reference, model)
        #expect(model.logits(x).data == model.referenceLogits(x).data)
    }

    /// A calibration without one of the network's own scales is refused, naming the file and the scale.
    @Test(arguments: [(ExpressionNetFixture.ds, ["stem": 0.1, "stem.conv": 0.1], "stem.depthwise"),
                      (ExpressionNetFixture.dense, ["stem": 0.1], "block1.mid")])
    func aMissingScaleIsNamed(fixture: ExpressionNetFixture, scales: [String: Float], missing: String) throws {
        let calibration = Int8Calibration(format: "mien-expression-net-int8", weights: fixture.weightName,
                                          weightsSHA256: "", weightsProvenance: "", calibration: [:],
                                          activationScales: scales)
        let error = try #require(throws: NNError.self) {
            _ = try QuantizedExpressionNet(try fixture.load(), calibration: calibration, calibrationFile: "fixture.int8.json")
        }
        #expect(error.message.contains("fixture.int8.json") && error.message.contains(missing), "\(error.message)")
    }
}
