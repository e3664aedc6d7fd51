import Foundation
import MienJobs
import MienMedia
import MienPipeline
@testable import MienService
import MienTestSupport
import Testing

/// The stand-in result of a shard not analysed: on a grid one `undecodable`
/// line per grid time of its range (up to the video's end); without one, a
/// single line at its start; the reason names the shard, its times and its
/// last error, or the cancel that left it.
@Suite struct UnfinishedShardResultTests {
    func dead(start: Double, end: Double?, error: String? = "boom", dead: Bool = true) throws -> UnfinishedShard {
        let task = ShardTask(index: 3, start: start, end: end, firstFrame: nil)
        return UnfinishedShard(index: 3, payload: try PayloadCoding.encode(ShardPayload(task: task, probe: nil)), attempts: 2,
                               lastError: error, dead: dead)
    }

    @Test func aGridGetsEveryGridTimeOfTheRangeUpToTheEnd() throws {
        let probe = try VideoProber.probe(Fixtures.shared.h264)  // 3 s
        let middle = try UnfinishedShardResult.make(try dead(start: 1, end: 2), of: 8, settings: AnalysisSettings(fps: 2), probe: probe)
        #expect(middle.records.map(\.t) == [1, 1.5])
        #expect(middle.records.allSatisfy { $0.status == .undecodable && $0.frame == nil && $0.frameTime == nil && $0.faces.isEmpty })
        let reason = try #require(middle.readError)
        #expect(reason == "shard 4 of 8 (1.000-2.000 s) was not analysed: it failed all 2 attempts: boom", "\(reason)")
        #expect(middle.records.allSatisfy { $0.error == reason })
        let last = try UnfinishedShardResult.make(try dead(start: 2, end: nil), of: 8, settings: AnalysisSettings(fps: 2), probe: probe)
        #expect(last.records.map(\.t) == [2, 2.5], "the last shard's grid ends with the video")
        #expect(last.readError?.contains("(from 2.000 s)") == true)
    }

    @Test func withoutAGridOneLineMarksTheStart() throws {
        let result = try UnfinishedShardResult.make(try dead(start: 4, end: 6, error: nil), of: 5, settings: AnalysisSettings(), probe: nil)
        #expect(result.records.map(\.t) == [4] && result.records.first?.status == .undecodable)
        #expect(result.readError?.contains("lease ran out") == true)
        #expect(result.tracks.observations.isEmpty && result.models == nil)
    }

    @Test func aShardLeftByACancelSaysSo() throws {
        let result = try UnfinishedShardResult.make(try dead(start: 4, end: 6, error: "boom", dead: false), of: 5,
                                                    settings: AnalysisSettings(fps: 1), probe: nil)
        #expect(result.readError == "shard 4 of 5 (4.000-6.000 s) was not analysed: the job was cancelled before it was done",
                "\(result.readError ?? "")")
        #expect(result.records.map(\.t) == [4] && result.records.first?.status == .undecodable, "no duration: one line")
    }
}
