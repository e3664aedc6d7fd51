import Foundation
import MienNN
import MienTestSupport
import Testing

@testable import MienFace

@Suite("mini-Xception matches Keras")
struct MiniXceptionTests {
    /// The shipped model, loaded once; a file that does not load fails each test that uses it.
    static let loaded = Result { try MiniXception.load() }
    static func model() throws -> MiniXception { try loaded.get() }
    let reference: ReferenceFile
    init() throws { reference = try .miniXception() }

    // Tolerances: about 10x the largest error measured against Keras (see Tolerance.swift).
    /// Probabilities: measured 2.2e-6.
    static let probabilityTolerance: Float = 3e-5
    /// Logits: measured 5.7e-6.
    static let logitTolerance: Float = 6e-5
    /// conv1 (Keras activation_1): measured 1.2e-6.
    static let firstLayerTolerance: Float = 2e-5
    /// The last module's pool + add (Keras add_4): measured 2.1e-6.
    static let lastModuleTolerance: Float = 3e-5

    @Test func probabilitiesMatchKeras() throws {
        let input = try reference.nchw("input")
        let expected = try reference.tensor("probabilities")
        let got = try Self.model().probabilities(input)
        try #require(got.shape == [16, 7])
        let worst = got.maxAbsDifference(expected)
        print("mini-Xception parity: max |probability difference| \(worst) over 16 inputs")
        expectWithin(worst, Self.probabilityTolerance, "mini-Xception probabilities")
        // Same winner for every input.
        for i in 0..<16 {
            let row = got.data[(i * 7)..<(i * 7 + 7)], want = expected.data[(i * 7)..<(i * 7 + 7)]
            #expect(row.firstIndex(of: row.max()!) == want.firstIndex(of: want.max()!), "input \(i)")
        }
    }

    @Test func logitsAndIntermediatesMatchKeras() throws {
        let input = try reference.nchw("input")
        var seen: [String: Tensor] = [:]
        let logits = try Self.model().logits(input.batch(0..<16)) { name, value in
            if name == "conv1" || name == "module4.pool+add" { seen[name] = value.batch(0..<1) }
        }
        let logitDifference = logits.maxAbsDifference(try reference.tensor("logits"))
        let first = try #require(seen["conv1"]).maxAbsDifference(try reference.nchw("sample0.activation_1"))
        let last = try #require(seen["module4.pool+add"]).maxAbsDifference(try reference.nchw("sample0.add_4"))
        print("mini-Xception parity: logits \(logitDifference), activation_1 \(first), add_4 \(last)")
        expectWithin(logitDifference, Self.logitTolerance, "mini-Xception logits")
        expectWithin(first, Self.firstLayerTolerance, "mini-Xception activation_1")
        expectWithin(last, Self.lastModuleTolerance, "mini-Xception add_4")
    }

    @Test func sizesAndCounts() throws {
        let model = try Self.model()
        #expect(model.parameterCount == 58_423)
        #expect(model.weightFileBytes == 266_396)
        #expect(model.labels == [.angry, .disgust, .fear, .happy, .sad, .surprise, .neutral])
        #expect(model.multiplyAdds == 10_163_392)
        #expect(model.preprocessing.width == 64 && model.preprocessing.height == 64)
    }

    @Test func batchSizeDoesNotChangeResults() throws {
        let model = try Self.model()
        let input = try reference.nchw("input")
        let whole = try model.probabilities(input)
        for i in [0, 5, 15] {
            // Exact: measured 0 everywhere (see Tolerance.swift).
            let single = try model.probabilities(input.batch(i..<(i + 1)))
            expectIdentical(single, whole.batch(i..<(i + 1)), "mini-Xception input \(i) alone and in the batch")
        }
        let empty = try model.probabilities(Tensor(shape: [0, 1, 64, 64]))
        #expect(empty.shape == [0, 7])
    }

    @Test func wrongInputShapeIsAnError() throws {
        let model = try Self.model()
        #expect(throws: ClassifierError.self) { try model.probabilities(Tensor(shape: [1, 1, 48, 48])) }
    }

    @Test func loadingIsStrict() throws {
        let folder = NSTemporaryDirectory() + "mien-weights-\(getpid())"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // The reference file is valid safetensors but holds none of the weights.
        let error = #expect(throws: ClassifierError.self) { try MiniXception.load(path: reference.path) }
        #expect(error?.message.contains("conv2d_1/kernel") == true)
        #expect(error?.message.contains(reference.path) == true)
        let missing = #expect(throws: ClassifierError.self) { try MiniXception.load(path: folder + "/none.safetensors") }
        #expect(missing?.code == .badWeights)
    }

    @Test func registryFindsTheModelByName() throws {
        let model = try ClassifierRegistry.load("mini-xception")
        #expect(model.name == "mini-xception")
        let unknown = #expect(throws: ClassifierError.self) { try ClassifierRegistry.load("nope") }
        #expect(unknown?.message.contains("mini-xception") == true)
    }
}
