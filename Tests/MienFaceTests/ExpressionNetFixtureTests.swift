import Foundation
import MienMedia
import MienNN
import MienTestSupport
import Testing

@testable import MienFace

/// One of the small random-weight expression-nets of
/// `Models/training/make_test_models.py`, one per block kind Mien builds, so
/// that each kind's Swift code is checked against PyTorch whichever kind ships.
enum ExpressionNetFixture: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// Depthwise-separable blocks and stem.
    case ds
    /// ResNet basic blocks.
    case dense

    /// The weight file's name in `Models/reference`.
    var weightName: String { "expression_net_\(rawValue)_test.safetensors" }
    /// PyTorch's outputs.
    var referenceName: String { "expression_net_\(rawValue)_test_reference.safetensors" }
    /// The int8 calibration.
    var calibrationName: String { "expression_net_\(rawValue)_test.int8.json" }
    /// The int8 simulation's outputs.
    var int8ReferenceName: String { "expression_net_\(rawValue)_test_int8_reference.safetensors" }
    /// Each block's width between its first and last convolution (the pruned `inner_widths`).
    var innerWidths: [Int] { self == .ds ? [12, 16, 24] : [12, 16, 20] }

    /// The float32 network.
    func load() throws -> ExpressionNet { try ExpressionNet.load(path: try ModelDirectory.locate() + "/reference/" + weightName) }

    var testDescription: String { rawValue }
}

/// expression-net's blocks against PyTorch, on the small random-weight
/// fixtures: a strided block with a 1x1 shortcut, identity blocks,
/// squeeze-excitation, pruned inner widths and random batch-norm statistics
/// (and the ds stem).
@Suite("ExpressionNet fixtures match PyTorch")
struct ExpressionNetFixtureTests {
    // Tolerances: about 10x the largest error measured (see Tolerance.swift).
    /// Probabilities against PyTorch: measured 3.0e-8 (ds and dense).
    static let probabilityTolerance: Float = 3e-7
    /// Logits against PyTorch: measured 1.3e-7 (ds), 1.0e-7 (dense).
    static let logitTolerance: Float = 2e-6
    /// The stem's and the last block's outputs against PyTorch: measured 8.0e-8 and 1.8e-7 (ds), 7.5e-9 and 1.8e-7 (dense).
    static let intermediateTolerance: Float = 2e-6

    @Test(arguments: ExpressionNetFixture.allCases)
    func theNetworkIsBuiltAsExported(fixture: ExpressionNetFixture) throws {
        let model = try fixture.load()
        try #require(model.blocks.count == 3)
        switch fixture {
        case .ds:
            #expect(model.stem.separable != nil)
            let blocks = model.blocks.compactMap { $0 as? SeparableBlock }
            try #require(blocks.count == 3)
            #expect(blocks.map(\.pointwise1.outChannels) == fixture.innerWidths, "pruned inner widths come from the tensors")
            #expect(blocks.map { $0.shortcut != nil } == [true, true, false])
            #expect(blocks.allSatisfy { $0.excite != nil })
        case .dense:
            #expect(model.stem.separable == nil)
            let blocks = model.blocks.compactMap { $0 as? BasicBlock }
            try #require(blocks.count == 3)
            #expect(blocks.map(\.conv1.outChannels) == fixture.innerWidths, "pruned inner widths come from the tensors")
            #expect(blocks.map { $0.shortcut != nil } == [true, true, false])
            #expect(blocks.allSatisfy { $0.excite != nil })
        }
        let file = try SafeTensorsFile(path: model.weightFile)
        let statistics = file.entries.filter { $0.key.hasSuffix("running_mean") || $0.key.hasSuffix("running_var") }
            .reduce(0) { $0 + $1.value.shape.reduce(1, *) }
        #expect(model.parameterCount == Int(file.metadata["parameters"] ?? "")! + statistics)
        #expect(model.multiplyAdds == Int(file.metadata["multiply_adds"] ?? "")!)
    }

    @Test(arguments: ExpressionNetFixture.allCases)
    func probabilitiesLogitsAndIntermediatesMatchPyTorch(fixture: ExpressionNetFixture) throws {
        let model = try fixture.load(), reference = try ReferenceFile.named(fixture.referenceName)
        let input = try reference.tensor("input")
        var seen: [String: Tensor] = [:]
        let logits = model.logits(input) { name, value in seen[name] = value.batch(0..<1) }
        let stem = try #require(seen["stem"]).maxAbsDifference(try reference.tensor("sample0.stem"))
        let last = try #require(seen["block\(model.blocks.count)"]).maxAbsDifference(try reference.tensor("sample0.last_block"))
        let logitDifference = logits.maxAbsDifference(try reference.tensor("logits"))
        let probabilities = try model.probabilities(input).maxAbsDifference(try reference.tensor("probabilities"))
        print("expression-net \(fixture) parity: probabilities \(probabilities), logits \(logitDifference), stem \(stem), last block \(last)")
        expectWithin(probabilities, Self.probabilityTolerance, "\(fixture) probabilities")
        expectWithin(logitDifference, Self.logitTolerance, "\(fixture) logits")
        expectWithin(stem, Self.intermediateTolerance, "\(fixture) stem")
        expectWithin(last, Self.intermediateTolerance, "\(fixture) last block")
        // Through the public path: gray faces in, the same probabilities out.
        let bytes = try reference.bytes("faces_uint8")
        let faces = (0..<8).map { PixelImage(width: 48, height: 48, layout: .gray, pixels: Array(bytes[($0 * 2304)..<(($0 + 1) * 2304)])) }
        let rows = try model.classify(faces: faces)
        expectClose(Tensor(shape: [8, 7], data: Array(rows.joined())), try reference.tensor("probabilities"),
                    within: Self.probabilityTolerance, "\(fixture) classify(faces:)")
    }
}
