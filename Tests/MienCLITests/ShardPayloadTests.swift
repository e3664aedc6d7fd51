import Foundation
import MienJobs
import MienMedia
import MienPipeline
import MienService
import MienTestSupport
import Testing

/// Workers use the coordinator's probe, carried in each shard's payload,
/// instead of probing the input again per shard (for MPEG-TS or Matroska
/// without an index a probe reads the whole file).
@Suite("shard payloads carry the coordinator's probe")
struct ShardPayloadTests {
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func increment() { lock.lock(); value += 1; lock.unlock() }
        var count: Int { lock.lock(); defer { lock.unlock() }; return value }
    }

    @Test func aWorkerProbesOnlyPayloadsWithoutTheProbe() throws {
        let input = RepositoryFiles.astronautClip
        let planner = JobPlanner(settings: JobSettings(analysis: AnalysisSettings(fps: 5), shardSeconds: 1))
        let submission = try planner.submission(inputs: [input], names: ["astronaut"])
        let shards = submission.videos[0].shards
        #expect(shards.count >= 3)
        let probes = Counter()
        let processor = ShardProcessor(threads: 1, probe: { path, options in
            probes.increment()
            return try VideoProber.probe(path, options: options)
        })
        for (index, payload) in shards.enumerated() {
            #expect(payload.count < 2_000, "the probe travels without its keyframe list: \(payload.count) bytes")
            let decoded = try PayloadCoding.decode(ShardPayload.self, from: payload, what: "shard")
            #expect(decoded.probe?.duration ?? 0 > 4)
            let lease = ShardLease(shard: Int64(index), video: 1, job: "job", index: index, attempt: 1, worker: "w",
                                   payload: payload, input: InputSummary.absolute(input), settings: submission.settings,
                                   leaseSeconds: 60)
            let carried = try PayloadCoding.decode(ShardResult.self, from: processor.process(lease), what: "result")
            // The same shard as an older version stored it: the task alone, so the worker probes.
            var legacy = lease
            legacy.payload = try PayloadCoding.encode(decoded.task)
            let probed = try PayloadCoding.decode(ShardResult.self, from: processor.process(legacy), what: "result")
            #expect(carried.records == probed.records, "shard \(index): the same records either way")
            #expect(carried.task == probed.task)
        }
        #expect(probes.count == shards.count, "only the payloads without a probe were probed")
    }

    /// Where a cut-off file's data ends is not in the probe's JSON form; the
    /// payload carries it, so a worker marks the missing tail as the
    /// coordinator found it.
    @Test func theEndOfACutOffFilesDataTravelsToo() throws {
        let info = try VideoProber.probe(Fixtures.shared.truncatedMKV)
        let end = try #require(info.dataEnd)
        let payload = try PayloadCoding.encode(ShardPayload(task: .wholeVideo, probe: info))
        let decoded = try PayloadCoding.decode(ShardPayload.self, from: payload, what: "shard")
        #expect(decoded.probe?.dataEnd == end)
        let whole = try PayloadCoding.encode(ShardPayload(task: .wholeVideo, probe: try VideoProber.probe(Fixtures.shared.wholeMKV)))
        #expect(try PayloadCoding.decode(ShardPayload.self, from: whole, what: "shard").probe?.dataEnd == nil)
    }

    /// A job's settings store `video_stream` only when one was asked for, so
    /// the same inputs and settings as before give the same job key.
    @Test func aVideoStreamIsStoredOnlyWhenAskedFor() throws {
        let plain = String(decoding: try PayloadCoding.encode(JobSettings(analysis: AnalysisSettings(fps: 5))), as: UTF8.self)
        #expect(!plain.contains("video_stream"))
        let asked = try PayloadCoding.encode(JobSettings(analysis: AnalysisSettings(fps: 5), videoStream: 1))
        #expect(try PayloadCoding.decode(JobSettings.self, from: asked, what: "settings").mediaOptions.videoStream == 1)
    }
}
