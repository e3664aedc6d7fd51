import Foundation
import MienMedia
@testable import MienPipeline
import MienTestSupport
import Testing

@Suite("Shard planning, and sharded analysis equal to the whole video's")
struct ShardPlannerTests {
    /// A probe result with keyframes every `gop` seconds over `duration`, 25 frames per second.
    static func info(duration: Double, gop: Double) -> VideoInfo {
        var info = try! VideoProber.probe(RepositoryFiles.astronautClip)
        info.duration = duration
        info.keyframeTimes = stride(from: 0, to: duration, by: gop).map { $0 }
        info.keyframeFrames = info.keyframeTimes.map { Int(($0 * 25).rounded()) }
        return info
    }

    @Test func shortVideosAndStillsAreOneShard() throws {
        #expect(ShardPlanner(shardSeconds: 30).plan(Self.info(duration: 40, gop: 2)) == [.wholeVideo])
        var still = Self.info(duration: 0, gop: 1)
        still.isImage = true
        #expect(ShardPlanner(shardSeconds: 1).plan(still) == [.wholeVideo])
    }

    /// Joined recordings (timestamps that start again) and raw streams cannot be seeked in by time: one shard, however long.
    @Test func aVideoWhoseTimestampsStartAgainIsOneShard() throws {
        var joined = Self.info(duration: 600, gop: 2)
        #expect(ShardPlanner(shardSeconds: 30).plan(joined).count > 1)
        joined.timestampResets = 1
        #expect(ShardPlanner(shardSeconds: 30).plan(joined) == [.wholeVideo])
        var raw = Self.info(duration: 600, gop: 2)
        raw.timestampsCounted = true  // a raw .h264 stream: every seek decodes from the start
        #expect(ShardPlanner(shardSeconds: 30).plan(raw) == [.wholeVideo])
    }

    @Test func shardsStartAtKeyframesWithAWarmUp() throws {
        let tasks = ShardPlanner(shardSeconds: 10, warmUp: 2).plan(Self.info(duration: 35, gop: 4))
        // Keyframes 0, 4, ..., 32: starts at 12 (first >= 10 after 0), 24; 36 is past the end.
        #expect(tasks.map(\.start) == [0, 12, 24])
        #expect(tasks.map(\.end) == [12, 24, nil])
        #expect(tasks.map(\.warmUpStart) == [nil, 8, 20])
        #expect(tasks.map(\.firstFrame) == [0, 200, 500])
        #expect(tasks.map(\.index) == [0, 1, 2])
    }

    @Test func aShortTailJoinsTheLastShard() throws {
        // Keyframes every 2 s over 23 s: 10 and 20 would start shards, but 20 leaves only 3 s (< 5).
        let tasks = ShardPlanner(shardSeconds: 10, warmUp: 0).plan(Self.info(duration: 23, gop: 2))
        #expect(tasks.map(\.start) == [0, 10])
        #expect(tasks.map(\.end) == [10, nil])
        #expect(tasks.allSatisfy { $0.warmUpStart == nil })
    }

    @Test(arguments: [5.0, nil])
    func shardedAnalysisEqualsTheWholeVideo(fps: Double?) throws {
        let settings = AnalysisSettings(fps: fps, smoothing: .ema(timeConstant: 0.5))
        let models = try AnalysisModels(settings: settings)
        let analyzer = ShardAnalyzer(models: models, settings: settings, threads: 2)
        let info = try VideoProber.probe(RepositoryFiles.astronautClip)
        let assembler = TimelineAssembler(settings: settings)
        let whole = try assembler.assemble([try analyzer.analyze(info)])
        let tasks = ShardPlanner(shardSeconds: 1, warmUp: 1).plan(info)
        #expect(tasks.count >= 2, "the sample has keyframes at \(info.keyframeTimes)")
        // Shards analysed in any order (as workers would) and sent through JSON (as a store would).
        let results = try tasks.reversed().map { task in
            let result = try analyzer.analyze(info, task: task)
            return try JSONDecoder().decode(ShardResult.self, from: JSONEncoder().encode(result))
        }
        let sharded = try assembler.assemble(results)
        #expect(sharded.count == whole.count)
        #expect(sharded == whole)
    }
}
