import Foundation
import MienNN
import Testing

@testable import MienFace

@Suite("mini-Xception matches Keras")
struct MiniXceptionTests {
    static let model: MiniXception = {
        do { return try MiniXception.load() } catch { fatalError("\(error)") }
    }()
    let reference = ReferenceFile.shared

    @Test func probabilitiesMatchKeras() throws {
        let input = try reference.nchw("input")
        let expected = try reference.tensor("probabilities")
        let got = try Self.model.probabilities(input)
        #expect(got.shape == [16, 7])
        let worst = got.maxAbsDifference(expected)
        print("mini-Xception parity: max |probability difference| \(worst) over 16 inputs")
        #expect(worst <= 1e-4)
        // Same winner for every input.
        for i in 0..<16 {
            let row = got.data[(i * 7)..<(i * 7 + 7)], want = expected.data[(i * 7)..<(i * 7 + 7)]
            #expect(row.firstIndex(of: row.max()!) == want.firstIndex(of: want.max()!), "input \(i)")
        }
    }

    @Test func logitsAndIntermediatesMatchKeras() throws {
        let input = try reference.nchw("input")
        var seen: [String: Tensor] = [:]
        let logits = Self.model.logits(input.batch(0..<16)) { name, value in
            if name == "conv1" || name == "module4.pool+add" { seen[name] = value.batch(0..<1) }
        }
        let logitDifference = logits.maxAbsDifference(try reference.tensor("logits"))
        let first = try #require(seen["conv1"]).maxAbsDifference(try reference.nchw("sample0.activation_1"))
        let last = try #require(seen["module4.pool+add"]).maxAbsDifference(try reference.nchw("sample0.add_4"))
        print("mini-Xception parity: logits \(logitDifference), activation_1 \(first), add_4 \(last)")
        #expect(logitDifference <= 1e-4)
        #expect(first <= 1e-4)
        #expect(last <= 1e-4)
    }

    @Test func sizesAndCounts() throws {
        let model = Self.model
        #expect(model.parameterCount == 58_423)
        #expect(model.weightFileBytes == 266_396)
        #expect(model.labels == [.angry, .disgust, .fear, .happy, .sad, .surprise, .neutral])
        #expect(model.multiplyAdds == 10_163_392)
        #expect(model.preprocessing.width == 64 && model.preprocessing.height == 64)
    }

    @Test func batchSizeDoesNotChangeResults() throws {
        let input = try reference.nchw("input")
        let whole = try Self.model.probabilities(input)
        for i in [0, 5, 15] {
            let single = try Self.model.probabilities(input.batch(i..<(i + 1)))
            #expect(single.maxAbsDifference(whole.batch(i..<(i + 1))) <= 1e-6)
        }
        let empty = try Self.model.probabilities(Tensor(shape: [0, 1, 64, 64]))
        #expect(empty.shape == [0, 7])
    }

    @Test func wrongInputShapeIsAnError() {
        #expect(throws: ClassifierError.self) { try Self.model.probabilities(Tensor(shape: [1, 1, 48, 48])) }
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
