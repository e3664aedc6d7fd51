import Foundation
import MienMedia
import MienNN
import MienTestSupport
import Testing

@testable import MienFace

@Suite("ExpressionNet matches PyTorch")
struct ExpressionNetTests {
    /// The shipped model, loaded once; a file that does not load fails each test that uses it.
    static let loaded = Result { try ExpressionNet.load() }
    static func model() throws -> ExpressionNet { try loaded.get() }
    let reference: ReferenceFile
    init() throws { reference = try .named("expression_net_reference.safetensors") }

    // Tolerances: about 10x the largest error measured (see Tolerance.swift).
    /// Probabilities against PyTorch: measured 1.1e-6 (ds-born; ds-long 9.5e-7, the dense model 6.3e-7).
    static let probabilityTolerance: Float = 1e-5
    /// Logits against PyTorch: measured 3.1e-6 (ds-long 3.0e-6, dense 2.4e-6).
    static let logitTolerance: Float = 3e-5
    /// The stem's output against PyTorch: measured 3.3e-6 (ds-long 2.9e-6, dense 9.5e-7).
    static let stemTolerance: Float = 3e-5
    /// The last block's output against PyTorch: measured 1.8e-6 (ds-long 1.4e-6, dense 1.9e-6).
    static let lastBlockTolerance: Float = 2e-5
    /// One input alone against the same input in the batch: measured 1.2e-7.
    static let batchTolerance: Float = 2e-6
    /// The squeeze-excite fast path against its reference: measured 6.0e-8.
    static let squeezeExciteTolerance: Float = 6e-7

    /// The 16 reference faces as gray images.
    func faces() throws -> [PixelImage] {
        let bytes = try reference.bytes("faces_uint8")
        try #require(bytes.count == 16 * 48 * 48)
        return (0..<16).map { PixelImage(width: 48, height: 48, layout: .gray, pixels: Array(bytes[($0 * 2304)..<(($0 + 1) * 2304)])) }
    }

    @Test func preprocessingGivesPyTorchsInputExactly() throws {
        let got = try Self.model().preprocessing.tensor(faces: faces())
        expectIdentical(got, try reference.tensor("input"), "expression-net preprocessing")
    }

    /// The shipped model with flip averaging set to `flip`.
    static func variant(flip: Bool) throws -> ExpressionNet {
        let m = try model()
        return ExpressionNet(labels: m.labels, inputSize: m.preprocessing.width, stem: m.stem, blocks: m.blocks, head: m.head,
                             flipAveraging: flip, parameterCount: m.parameterCount, weightFileBytes: m.weightFileBytes,
                             weightFile: m.weightFile)
    }

    @Test(arguments: [false, true])
    func withAndWithoutFlipAveragingMatchPyTorch(flip: Bool) throws {
        let got = try Self.variant(flip: flip).probabilities(try reference.tensor("input"))
        let expected = try reference.tensor(flip ? "probabilities_flip_averaged" : "probabilities")
        let worst = got.maxAbsDifference(expected)
        print("expression-net parity, flip averaging \(flip): max |probability difference| \(worst)")
        expectWithin(worst, Self.probabilityTolerance, "expression-net probabilities, flip averaging \(flip)")
        #expect(ExpressionNet.mirrored(ExpressionNet.mirrored(try reference.tensor("input"))) == (try reference.tensor("input")))
    }

    @Test func probabilitiesMatchPyTorch() throws {
        let model = try Self.model()
        let got = try model.probabilities(try reference.tensor("input"))
        let expected = try reference.tensor(model.flipAveraging ? "probabilities_flip_averaged" : "probabilities")
        try #require(got.shape == [16, 7])
        let worst = got.maxAbsDifference(expected)
        print("expression-net parity: max |probability difference| \(worst) over 16 inputs")
        expectWithin(worst, Self.probabilityTolerance, "expression-net probabilities")
        for i in 0..<16 {
            let row = got.data[(i * 7)..<(i * 7 + 7)], want = expected.data[(i * 7)..<(i * 7 + 7)]
            #expect(row.firstIndex(of: row.max()!) == want.firstIndex(of: want.max()!), "input \(i)")
        }
        // Through the public path: gray faces in, rows of probabilities out.
        let rows = try model.classify(faces: faces())
        try #require(rows.count == 16)
        expectClose(Tensor(shape: [16, 7], data: Array(rows.joined())), expected, within: Self.probabilityTolerance,
                    "expression-net classify(faces:)")
    }

    @Test func logitsAndIntermediatesMatchPyTorch() throws {
        let input = try reference.tensor("input")
        var seen: [String: Tensor] = [:]
        let model = try Self.model()
        let logits = model.logits(input) { name, value in seen[name] = value.batch(0..<1) }
        let lastName = "block\(model.blocks.count)"
        let stem = try #require(seen["stem"]).maxAbsDifference(try reference.tensor("sample0.stem"))
        let last = try #require(seen[lastName]).maxAbsDifference(try reference.tensor("sample0.last_block"))
        let logitDifference = logits.maxAbsDifference(try reference.tensor("logits"))
        print("expression-net parity: logits \(logitDifference), stem \(stem), \(lastName) \(last)")
        expectWithin(stem, Self.stemTolerance, "expression-net stem")
        expectWithin(last, Self.lastBlockTolerance, "expression-net \(lastName)")
        expectWithin(logitDifference, Self.logitTolerance, "expression-net logits")
    }

    @Test func sizesAndCountsMatchTheExport() throws {
        let model = try Self.model()
        let file = try SafeTensorsFile(path: model.weightFile)
        // The export counts trainable parameters; the file also holds each batch norm's running statistics.
        let statistics = file.entries.filter { $0.key.hasSuffix("running_mean") || $0.key.hasSuffix("running_var") }
            .reduce(0) { $0 + $1.value.shape.reduce(1, *) }
        let metadata = file.metadata
        #expect(model.parameterCount == Int(metadata["parameters"] ?? "")! + statistics)
        #expect(model.multiplyAdds == Int(metadata["multiply_adds"] ?? "")! * (model.flipAveraging ? 2 : 1))
        #expect(model.flipAveraging == (metadata["flip_averaging"] == "true"))
        #expect(model.parameterCount <= 1_200_000)
        #expect(model.multiplyAdds <= 100_000_000 * (model.flipAveraging ? 2 : 1))
        #expect(model.labels == [.angry, .disgust, .fear, .happy, .sad, .surprise, .neutral])
        #expect(model.preprocessing.width == 48 && model.preprocessing.height == 48)
    }

    @Test func batchSizeDoesNotChangeResults() throws {
        let model = try Self.model()
        let input = try reference.tensor("input")
        let whole = try model.probabilities(input)
        for i in [0, 5, 15] {
            let single = try model.probabilities(input.batch(i..<(i + 1)))
            expectClose(single, whole.batch(i..<(i + 1)), within: Self.batchTolerance, "expression-net input \(i) alone and in the batch")
        }
        #expect(try model.probabilities(Tensor(shape: [0, 1, 48, 48])).shape == [0, 7])
    }

    @Test func wrongInputShapeIsAnError() throws {
        let model = try Self.model()
        #expect(throws: ClassifierError.self) { try model.probabilities(Tensor(shape: [1, 1, 64, 64])) }
    }

    @Test func squeezeExciteFastPathMatchesItsReference() throws {
        var rng = Random(seed: 17)
        func random(_ shape: [Int]) -> Tensor {
            Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in rng.float(2) - 1 })
        }
        let excite = SqueezeExcite(reduce: Dense(weight: random([4, 16]), bias: random([4]).data, activation: .relu),
                                   expand: Dense(weight: random([16, 4]), bias: random([16]).data, activation: .sigmoid))
        let x = random([3, 16, 5, 7]), shortcut = random([3, 16, 5, 7])
        expectClose(excite(x, shortcut: shortcut), excite.reference(x, shortcut: shortcut), within: Self.squeezeExciteTolerance,
                    "squeeze-excite fast path")
    }

    @Test func registryFindsTheModelByName() throws {
        let model = try ClassifierRegistry.load("expression-net")
        #expect(model.name == "expression-net")
    }
}

@Suite("ExpressionNet rejects bad weight files")
struct ExpressionNetLoadingTests {
    let folder = NSTemporaryDirectory() + "mien-expression-net-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"

    /// A copy of the dense fixture's weight file (a small network with 1x1
    /// shortcuts and squeeze-excitation; `ExpressionNetFixture.dense`, so the
    /// cases hold whichever kind ships) with its metadata edited by `edit`.
    func variant(_ edit: (inout [String: Any]) -> Void) throws -> String {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let data = try Data(contentsOf: URL(fileURLWithPath: try ExpressionNetFixture.dense.load().weightFile))
        let length = Int(data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        var header = try JSONSerialization.jsonObject(with: data[8..<(8 + length)]) as! [String: Any]
        edit(&header)
        var json = try JSONSerialization.data(withJSONObject: header)
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var out = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        out.append(data[(8 + length)...])
        let path = folder + "/variant-\(UInt32.random(in: 0...UInt32.max)).safetensors"
        try out.write(to: URL(fileURLWithPath: path))
        return path
    }

    func metadataEdit(_ key: String, _ value: String?) -> (inout [String: Any]) -> Void {
        { header in
            var meta = header["__metadata__"] as! [String: String]
            meta[key] = value
            header["__metadata__"] = meta
        }
    }

    @Test func missingFileIsNamed() {
        let error = #expect(throws: ClassifierError.self) { try ExpressionNet.load(path: folder + "/none.safetensors") }
        #expect(error?.code == .badWeights)
        #expect(error?.message.contains("none.safetensors") == true)
    }

    @Test func anotherModelsFileIsRefused() throws {
        let path = try ReferenceFile.miniXception().path   // mini-Xception's reference: valid safetensors, no architecture
        let error = #expect(throws: ClassifierError.self) { try ExpressionNet.load(path: path) }
        #expect(error?.message.contains("architecture") == true)
        #expect(error?.message.contains(path) == true)
    }

    @Test func badMetadataIsRefused() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cases: [(String, String?, String)] = [
            ("classes", "angry,disgust,fear,happy,sad,surprise", "7 emotions"),
            ("classes", nil, "'classes' is missing"),
            ("flip_averaging", "yes", "must be true or false"),
            ("architecture", "{not json", "not readable"),
            ("architecture", #"{"block":"cbam","input_size":48,"stem":24,"widths":[24],"strides":[1],"depths":[1],"se":true,"batch_norm_epsilon":1e-5}"#, "only 'dense' and 'ds'"),
            // A ds network read from a dense file: the first tensor it lacks is named.
            ("architecture", #"{"block":"ds","input_size":48,"stem":24,"widths":[24],"strides":[1],"depths":[1],"se":true,"batch_norm_epsilon":1e-5}"#, "stem.0.0.weight"),
            ("architecture", #"{"block":"dense","input_size":48,"stem":24,"widths":[24,48],"strides":[1],"depths":[1,1],"se":true,"batch_norm_epsilon":1e-5}"#, "unusable sizes"),
            // A smaller network than the tensors: the unused ones are named.
            ("architecture", #"{"block":"dense","input_size":48,"stem":8,"widths":[16,24],"strides":[2,2],"depths":[1,1],"se":true,"batch_norm_epsilon":1e-5}"#, "blocks.2."),
        ]
        for (key, value, message) in cases {
            let path = try variant(metadataEdit(key, value))
            let error = #expect(throws: ClassifierError.self, "\(key)=\(value ?? "nil")") { try ExpressionNet.load(path: path) }
            #expect(error?.code == .badWeights)
            #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
            #expect(error?.message.contains(path) == true)
        }
    }

    @Test func missingTensorIsNamed() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = try variant { $0["blocks.1.se.fc2.bias"] = nil }
        let error = #expect(throws: ClassifierError.self) { try ExpressionNet.load(path: path) }
        #expect(error?.message.contains("blocks.1.se.fc2.bias") == true)
    }
}
