import Foundation
import MienFace
import MienJobs
import MienPipeline
import MienService
import MienTestSupport
import Testing

/// A job records digests of the model files it was submitted with: other
/// weights make another job (a rerun after an upgrade gave the old model's
/// timelines back), and a worker with other files refuses the job's shards.
@Suite("a job's model files")
struct ModelWeightsTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mien-weights-\(getpid())-\(UUID().uuidString)").path

    /// A copy of the model folder's files in `folder`/models.
    func copiedModels() throws -> String {
        let models = folder + "/models"
        try FileManager.default.createDirectory(atPath: models, withIntermediateDirectories: true)
        let source = RepositoryFiles.path("Models")
        for name in try FileManager.default.contentsOfDirectory(atPath: source) {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: source + "/" + name, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            try FileManager.default.copyItem(atPath: source + "/" + name, toPath: models + "/" + name)
        }
        return models
    }

    /// Flips the lowest bit of the last float in `file`: a valid file, other weights.
    static func nudgeLastWeight(_ file: String) throws {
        var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        bytes[bytes.count - 4] ^= 1
        try bytes.write(to: URL(fileURLWithPath: file))
    }

    @Test func theDigestsCoverTheFilesTheModelsRead() throws {
        for detector in [DetectorKind.yunet, .mtcnn] {
            for precision in [Precision.fp32, .int8] {
                let settings = AnalysisSettings(detector: detector, precision: precision)
                let weights = try ModelWeights(settings: settings)
                let models = try AnalysisModels(settings: settings)
                let classifierFile = URL(fileURLWithPath: models.classifier.weightFile).lastPathComponent
                #expect(Set(weights.digests.keys) == Set(detector.fileNames + [classifierFile]
                        + (precision == .int8 ? [Int8Calibration.fileName] : [])), "\(detector) \(precision)")
                #expect(weights.digests.values.allSatisfy { $0.hasPrefix("fnv1a64:") && $0.count == 24 })
                #expect(weights.differences(from: weights.digests).isEmpty)
            }
        }
        let text = "model weights"
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBytes { StableHash.fnv1a(bytes: $0) } == StableHash.fnv1a(text))
        #expect(StableHash.fnv1a("a") == 0xaf63_dc4c_8601_ec8c, "FNV-1a 64's published value for \"a\"")
    }

    @Test func anotherFileIsNamedWithBothDigests() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let models = try copiedModels()
        let settings = AnalysisSettings()
        let original = try ModelWeights(settings: settings)
        #expect(try ModelWeights(settings: settings, directory: models).digests == original.digests, "a copy is the same")
        try Self.nudgeLastWeight(models + "/" + ExpressionNet.weightFileName)
        let changed = try ModelWeights(settings: settings, directory: models)
        let differences = changed.differences(from: original.digests)
        #expect(differences.count == 1)
        let name = ExpressionNet.weightFileName
        #expect(differences.first == "\(name) is \(changed.digests[name]!) here, \(original.digests[name]!) in the job")
        let mtcnn = try ModelWeights(settings: AnalysisSettings(detector: .mtcnn))
        #expect(mtcnn.differences(from: original.digests).contains("\(YuNetDetector.fileName) is not read here"))
        #expect(mtcnn.differences(from: original.digests).contains("\(DetectorKind.mtcnn.fileNames[0]) is read here, not by the job"))

        try FileManager.default.removeItem(atPath: models + "/" + Int8Calibration.fileName)
        let missing = #expect(throws: AnalysisError.self) { try ModelWeights(settings: settings, directory: models) }
        #expect(missing?.code == .modelUnavailable)
        #expect(missing?.message.contains(models + "/" + Int8Calibration.fileName) == true, "\(missing?.message ?? "")")
    }

    @Test func otherWeightsMakeAnotherJobKey() throws {
        let input = RepositoryFiles.astronautClip
        func key(_ weights: [String: String]?) throws -> String {
            try JobPlanner(settings: JobSettings(analysis: AnalysisSettings(fps: 1), weights: weights))
                .submission(inputs: [input], names: ["astronaut"]).key
        }
        let digests = try ModelWeights(settings: AnalysisSettings(fps: 1)).digests
        var other = digests
        other[ExpressionNet.weightFileName] = "fnv1a64:0000000000000000"
        #expect(try key(digests) == key(digests))
        #expect(try key(digests) != key(other))
        #expect(try key(digests) != key(nil))
        // Jobs stored before the digests keep their keys: nothing is stored for nil.
        let plain = String(decoding: try PayloadCoding.encode(JobSettings(analysis: AnalysisSettings(fps: 1))), as: UTF8.self)
        #expect(!plain.contains("weights"))
    }

    @Test func aWorkerWithOtherFilesRefusesTheShard() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let models = try copiedModels()
        let input = RepositoryFiles.astronautClip
        let analysis = AnalysisSettings(fps: 1)
        let settings = JobSettings(analysis: analysis, weights: try ModelWeights(settings: analysis).digests)
        let submission = try JobPlanner(settings: settings).submission(inputs: [input], names: ["astronaut"])
        let lease = ShardLease(shard: 1, video: 1, job: "job", index: 0, attempt: 1, worker: "w",
                               payload: submission.videos[0].shards[0], input: InputSummary.absolute(input),
                               settings: submission.settings, leaseSeconds: 60)
        let same = try PayloadCoding.decode(ShardResult.self, from: ShardProcessor(threads: 1, modelDirectory: models).process(lease),
                                            what: "result")
        #expect(!same.records.isEmpty, "a copy of the same files analyses")

        try Self.nudgeLastWeight(models + "/" + ExpressionNet.weightFileName)
        let refused = #expect(throws: AnalysisError.self) { try ShardProcessor(threads: 1, modelDirectory: models).process(lease) }
        #expect(refused?.code == .modelUnavailable)
        let message = refused?.message ?? ""
        #expect(message.contains("not the ones the job was submitted with: \(ExpressionNet.weightFileName) is fnv1a64:"), "\(message)")
        #expect(message.contains(models), "names the worker's folder: \(message)")
    }
}
