import Foundation
import MienJobs
import MienMedia
import MienPipeline

/// The stand-in result of a shard that was not analysed (it failed every
/// attempt, or its job was cancelled before it was done), so that its
/// video's other shards still make a timeline (`partial`) rather than none.
///
/// On a sampling grid each grid time of the shard gets an `undecodable`
/// line whose `error` names the shard and why it is missing; without a grid
/// (every frame) the shard's frame times are unknown, so one such line at
/// its start marks where the analysis stops (so that nothing reading the
/// timeline carries the faces before it through the gap). Either way the
/// meta file's `error.message` says which shard, which times and why, and
/// its status is `partial`.
enum UnfinishedShardResult {
    /// The result for `shard`, one of the video's `count` shards.
    /// - Throws: `ServiceError` when its stored payload cannot be read.
    static func make(_ shard: UnfinishedShard, of count: Int, settings: AnalysisSettings, probe: VideoInfo?) throws -> ShardResult {
        let task = try PayloadCoding.decode(ShardPayload.self, from: shard.payload, what: "shard payload").task
        let range = task.range
        let span = range.end.isFinite ? String(format: "%.3f-%.3f s", range.start, range.end)
                                      : String(format: "from %.3f s", range.start)
        let reason = "shard \(shard.index + 1) of \(count) (\(span)) was not analysed: " + why(shard)
        let grid = settings.fps.map {
            ShardAnalyzer.undecodableTail(after: nil, range: range, fps: $0, duration: probe?.duration ?? 0, reason: reason)
        } ?? []
        // Without a grid, or without a known duration to end it: one line at the start.
        let records = grid.isEmpty ? [FrameRecord(t: range.start, frame: nil, frameTime: nil, status: .undecodable, error: reason)]
                                   : grid
        return ShardResult(task: task, records: records, tracks: ShardTracks(start: range.start), decode: DecodeStats(),
                           readError: reason, times: StageTimes())
    }

    /// Why `shard` has no result.
    private static func why(_ shard: UnfinishedShard) -> String {
        guard shard.dead else { return "the job was cancelled before it was done" }
        let tries = shard.attempts == 1 ? "its one attempt" : "all \(shard.attempts) attempts"
        return "it failed \(tries): " + (shard.lastError ?? "its lease ran out each time (a worker killed or stalled on it)")
    }
}
