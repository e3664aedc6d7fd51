import Foundation
import MienNN
import MienFace
import MienPipeline
import MienTestSupport
import Testing
import Yams

@Suite("Analysis settings and job files")
struct AnalysisSettingsTests {
    static func decode(_ yaml: String) throws -> JobSpecification {
        try YAMLDecoder().decode(JobSpecification.self, from: yaml)
    }

    @Test func defaultsAreEveryFrameMinFace20NoSmoothing() throws {
        let settings = AnalysisSettings()
        #expect(settings.fps == nil && settings.minFace == 20 && settings.smoothing == .none)
        #expect(settings.classifier == ClassifierRegistry.defaultName)
        try settings.validate()
        #expect(try Self.decode("{}").analysis == settings)
    }

    @Test func aJobSetsWhatItNamesAndLeavesTheRest() throws {
        let job = try Self.decode("description: x\nanalysis:\n  fps: 5\n  smooth: \"window:2\"\n  track_max_gap: 2.5\n")
        #expect(job.description == "x")
        #expect(job.analysis.fps == 5 && job.analysis.smoothing == .window(seconds: 2))
        #expect(job.analysis.tracker.maxGap == 2.5 && job.analysis.tracker.iouThreshold == 0.3)
        #expect(job.analysis.minFace == 20)
    }

    @Test func unknownKeysAreRefused() {
        #expect(throws: (any Error).self) { try Self.decode("analysis:\n  fsp: 5\n") }
        #expect(throws: (any Error).self) { try Self.decode("analyis:\n  fps: 5\n") }
        #expect(throws: (any Error).self) { try Self.decode("analysis:\n  smooth: \"kalman\"\n") }
    }

    @Test(arguments: [
        AnalysisSettings(fps: 0), AnalysisSettings(fps: -1), AnalysisSettings(fps: .infinity),
        AnalysisSettings(minFace: 5), AnalysisSettings(minFace: 10, detector: .mtcnn), AnalysisSettings(minFace: 7, detector: .yunet),
        AnalysisSettings(minTrackSamples: 0), AnalysisSettings(trackMinScore: -0.1), AnalysisSettings(trackMinScore: 1.5),
        AnalysisSettings(trackMinScore: .nan), AnalysisSettings(classifier: "resnet-1000"),
        AnalysisSettings(smoothing: .ema(timeConstant: -1)),
        AnalysisSettings(tracker: TrackerSettings(iouThreshold: 1.5)), AnalysisSettings(tracker: TrackerSettings(maxGap: -1)),
    ])
    func badValuesAreNamed(_ settings: AnalysisSettings) {
        #expect(throws: AnalysisError.self) { try settings.validate() }
    }

    @Test func theDetectorIsChosenByNameAndAnUnknownOneIsRefused() throws {
        #expect(AnalysisSettings().detector == .yunet)
        #expect(try Self.decode("analysis:\n  detector: mtcnn\n").analysis.detector == .mtcnn)
        #expect(try Self.decode("analysis:\n  min_track_samples: 3\n").analysis.minTrackSamples == 3)
        #expect(AnalysisSettings().trackMinScore == 0.5)
        #expect(try Self.decode("analysis:\n  track_min_score: 0.7\n").analysis.trackMinScore == 0.7)
        #expect(throws: (any Error).self) { try Self.decode("analysis:\n  detector: haar\n") }
        try AnalysisSettings(minFace: 10, detector: .yunet).validate()    // YuNet's finest level has stride 8
    }

    /// int8 by default where the classifier has an int8 form and the CPU has
    /// AVX-512 VNNI, fp32 otherwise; meta.json records the precision that ran.
    @Test func precisionDefaultsToTheClassifiersInt8Form() throws {
        #expect(AnalysisSettings.defaultPrecision(for: "expression-net", int8IsFast: true) == .int8)
        #expect(AnalysisSettings.defaultPrecision(for: "expression-net", int8IsFast: false) == .fp32)
        #expect(AnalysisSettings.defaultPrecision(for: "mini-xception", int8IsFast: true) == .int8)
        #expect(AnalysisSettings.defaultPrecision(for: "mini-xception", int8IsFast: false) == .fp32)
        let here: Precision = QuantizedConv2D.hasVNNI ? .int8 : .fp32
        #expect(AnalysisSettings().resolvedPrecision == here)
        #expect(AnalysisSettings(classifier: "mini-xception").resolvedPrecision == here)
        #expect(try Self.decode("analysis:\n  precision: fp32\n").analysis.precision == .fp32)
        #expect(throws: (any Error).self) { try Self.decode("analysis:\n  precision: int4\n") }
        try AnalysisSettings(classifier: "mini-xception", precision: .int8).validate()
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(AnalysisSettings())) as! [String: Any]
        #expect(object["precision"] as? String == here.rawValue)
        // An explicit int8 is valid on any CPU (the AVX2 and portable paths give the same results, slower).
        try AnalysisSettings(precision: .int8).validate()
    }

    @Test func settingsRoundTripThroughJSON() throws {
        let settings = AnalysisSettings(fps: 2, minFace: 16, detector: .mtcnn, precision: .int8, smoothing: .hmm(stickiness: 0.9),
                                        tracker: TrackerSettings(iouThreshold: 0.2, maxGap: 3), minTrackSamples: 2,
                                        trackMinScore: 0.65)
        let data = try JSONEncoder().encode(settings)
        #expect(try JSONDecoder().decode(AnalysisSettings.self, from: data) == settings)
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        #expect(object["smooth"] as? String == "hmm:0.9")
    }

    @Test func samplesFurtherApartThanTheTrackGapAreWarnedOf() {
        #expect(AnalysisSettings(fps: 1).trackingGapWarning == nil, "1 s apart, gap 1 s: tracks go on")
        #expect(AnalysisSettings().trackingGapWarning == nil, "every frame")
        let sparse = AnalysisSettings(fps: 0.5)
        #expect(sparse.trackingGapWarning?.contains("samples are 2 s apart") == true, "\(sparse.trackingGapWarning ?? "")")
        #expect(sparse.trackingGapWarning?.contains("--track-max-gap (or a job file's track_max_gap) 4 or more") == true)
        #expect(AnalysisSettings(fps: 0.5, tracker: TrackerSettings(maxGap: 4)).trackingGapWarning == nil)
    }

    @Test(arguments: ["Jobs/classroom.yaml", "Jobs/in-car.yaml"])
    func bundledJobsLoad(_ file: String) throws {
        let job = try JobSpecification.load(RepositoryFiles.path(file))
        #expect(job.description?.isEmpty == false)
        #expect(job.analysis.fps != nil)
    }

    @Test func aBadJobFileIsNamed() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mien-badjob-\(getpid()).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("analysis:\n  min_face: 3\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect {
            try JobSpecification.load(path)
        } throws: { error in
            let message = (error as? AnalysisError)?.message ?? ""
            return message.hasPrefix(path) && message.contains("min_face")
        }
        #expect(throws: AnalysisError.self) { try JobSpecification.load(path + ".missing") }
    }
}
