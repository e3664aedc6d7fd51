import Foundation
import MienJobs
import MienPipeline

/// `mien collect`: turns a stored job's finished videos into timeline and
/// meta files. For each video whose shards are all done, the results are put
/// in order, track ids stitched across shard edges and tracks smoothed
/// (`TimelineWriter`); a video with dead shards among done ones gets a
/// partial timeline whose dead shards' times are marked (`UnfinishedShardResult`);
/// a failed video (not probed, or every shard dead) gets its failed meta
/// file with the error; a video still running is left for later,
/// so collecting can start while other videos run and be repeated. In a
/// cancelled job no video runs any more: one with shards left gets a partial
/// timeline of the shards done before the cancel (the others marked as not
/// analysed), or, when none was done, a failed meta file (code `cancelled`).
public struct JobCollector: Sendable {
    /// The store.
    public let store: any JobStore
    /// The writer (output folder, generator).
    public let writer: TimelineWriter

    /// Creates a collector.
    public init(store: any JobStore, writer: TimelineWriter) {
        self.store = store
        self.writer = writer
    }

    /// What one collection did.
    public struct Report: Sendable {
        /// Meta records written, in the job's video order.
        public var written: [TimelineMeta] = []
        /// Videos still running (not written).
        public var running: [String] = []
        /// Finished videos not written because a stop was asked for.
        public var skipped: [String] = []

        /// An empty report.
        public init() {}
    }

    /// Collects every finished video of `job` (or only those in `only`, by video id).
    /// - Parameter shouldStop: asked before each video; once true, the videos
    ///   left are listed in `skipped`, not written (`mien analyze` on Ctrl-C).
    public func collect(_ job: JobID, only: Set<VideoID>? = nil, shouldStop: @Sendable () -> Bool = { false }) async throws -> Report {
        let progress = try await store.status(of: job)
        let settings = try PayloadCoding.decode(JobSettings.self, from: progress.settings, what: "job settings")
        var report = Report()
        for video in progress.videos where only?.contains(video.id) ?? true {
            if video.state != .running && (!report.skipped.isEmpty || shouldStop()) {
                report.skipped.append(video.input)
                continue
            }
            let payload = try PayloadCoding.decode(VideoPayload.self, from: video.info, what: "video description")
            let input = TimelineWriter.Input(summary: payload.input, name: video.name, info: payload.probe,
                                             models: nil, settings: settings.analysis)
            switch video.state {
            case .running where progress.cancelled && video.done == 0:
                let error = ErrorSummary(code: "cancelled", message: "\(payload.input.path): the job was cancelled before this video's shards were done")
                report.written.append(writer.write(input, outcome: .failure(error), wallSeconds: 0))
            case .running where progress.cancelled:   // the shards done before the cancel are kept
                report.written.append(try await write(video, input: input, payload: payload, settings: settings))
            case .running:
                report.running.append(video.input)
            case .failed:
                let why = video.errors.first ?? "a shard failed too often"   // a worker's error often names the input already
                let error = payload.failure ?? ErrorSummary(
                    code: "shard_dead", message: why.hasPrefix(payload.input.path + ":") ? why : "\(payload.input.path): " + why)
                report.written.append(writer.write(input, outcome: .failure(error), wallSeconds: 0))
            case .done, .partial:
                report.written.append(try await write(video, input: input, payload: payload, settings: settings))
            }
        }
        return report
    }

    /// Writes `video`'s files from its done shards' results, each shard not
    /// done (dead, or left by a cancelled job) marked as not analysed
    /// (`UnfinishedShardResult`): complete when none is missing, else partial.
    private func write(_ video: JobProgress.Video, input: TimelineWriter.Input, payload: VideoPayload,
                       settings: JobSettings) async throws -> TimelineMeta {
        let missing = video.done < video.shards ? try await store.unfinishedShards(of: video.id) : []
        let missingByIndex = Dictionary(missing.map { ($0.index, $0) }, uniquingKeysWith: { first, _ in first })
        // Shard by shard (see StreamingTimelineAssembler), on a dispatch thread: memory of one shard.
        let count = video.shards
        let outcome = await WorkerService.runBlocking { [store, writer] in
            try writer.write(input, shardCount: count, load: { index in
                if let shard = missingByIndex[index] {
                    return try UnfinishedShardResult.make(shard, of: count, settings: settings.analysis, probe: payload.probe)
                }
                guard let stored = try BlockingCall.run({ try await store.result(of: video.id, index: index) }) else {
                    throw ServiceError("\(payload.input.path): shard \(index) has no result in the store although the video is done")
                }
                return try PayloadCoding.decode(ShardResult.self, from: stored.result, what: "shard result")
            }, wallSeconds: 0, addShardSeconds: true)
        }
        return try outcome.get()
    }
}
