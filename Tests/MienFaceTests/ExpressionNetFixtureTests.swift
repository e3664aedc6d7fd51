import Foundation
import MienMedia
import MienNN
import MienTestSupport
import Testing

@testable import MienFace

/// expression-net's depthwise-separable (`ds`) blocks against PyTorch, on a
/// small network with random weights (`Models/training/make_ds_test_model.py`):
/// a ds stem, a strided block with a 1x1 shortcut, identity blocks,
/// squeeze-excitation, pruned inner widths and random batch-norm statistics.
@Suite("ExpressionNet ds blocks match PyTorch")
struct SeparableExpressionNetTests {
    static let weightName = "expression_net_ds_test.safetensors"
    let reference: ReferenceFile
    let model: ExpressionNet

    init() throws {
        reference = try .named("expression_net_ds_test_reference.safetensors")
        model = try ExpressionNet.load(path: try ModelDirectory.locate() + "/reference/" + Self.weightName)
    }

    // Tolerances: about 10x the largest error measured (see Tolerance.swift).
    /// Probabilities against PyTorch: measured 3.0e-8.
    static let probabilityTolerance: Float = 3e-7
    /// Logits against PyTorch: measured 1.3e-7.
    static let logitTolerance: Float = 2e-6
    /// The stem's and the last block's outputs against PyTorch: measured 8.8e-8 and 1.8e-7.
    static let intermediateTolerance: Float = 2e-6

    @Test func theNetworkIsBuiltAsExported() throws {
        #expect(model.stem.separable != nil)
        let blocks = model.blocks.compactMap { $0 as? SeparableBlock }
        try #require(blocks.count == 3)
        #expect(blocks.map(\.pointwise1.outChannels) == [12, 16, 24], "pruned inner widths come from the tensors")
        #expect(blocks.map { $0.shortcut != nil } == [true, true, false])
        #expect(blocks.allSatisfy { $0.excite != nil })
        let file = try SafeTensorsFile(path: model.weightFile)
        let statistics = file.entries.filter { $0.key.hasSuffix("running_mean") || $0.key.hasSuffix("running_var") }
            .reduce(0) { $0 + $1.value.shape.reduce(1, *) }
        #expect(model.parameterCount == Int(file.metadata["parameters"] ?? "")! + statistics)
        #expect(model.multiplyAdds == Int(file.metadata["multiply_adds"] ?? "")!)
    }

    @Test func probabilitiesLogitsAndIntermediatesMatchPyTorch() throws {
        let input = try reference.tensor("input")
        var seen: [String: Tensor] = [:]
        let logits = model.logits(input) { name, value in seen[name] = value.batch(0..<1) }
        let stem = try #require(seen["stem"]).maxAbsDifference(try reference.tensor("sample0.stem"))
        let last = try #require(seen["block\(model.blocks.count)"]).maxAbsDifference(try reference.tensor("sample0.last_block"))
        let logitDifference = logits.maxAbsDifference(try reference.tensor("logits"))
        let probabilities = try model.probabilities(input).maxAbsDifference(try reference.tensor("probabilities"))
        print("expression-net ds parity: probabilities \(probabilities), logits \(logitDifference), stem \(stem), last block \(last)")
        expectWithin(probabilities, Self.probabilityTolerance, "ds probabilities")
        expectWithin(logitDifference, Self.logitTolerance, "ds logits")
        expectWithin(stem, Self.intermediateTolerance, "ds stem")
        expectWithin(last, Self.intermediateTolerance, "ds last block")
        // Through the public path: gray faces in, the same probabilities out.
        let bytes = try reference.bytes("faces_uint8")
        let faces = (0..<8).map { PixelImage(width: 48, height: 48, layout: .gray, pixels: Array(bytes[($0 * 2304)..<(($0 + 1) * 2304)])) }
        let rows = try model.classify(faces: faces)
        expectClose(Tensor(shape: [8, 7], data: Array(rows.joined())), try reference.tensor("probabilities"),
                    within: Self.probabilityTolerance, "ds classify(faces:)")
    }
}
