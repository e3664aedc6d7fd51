import Dispatch
import Foundation
import MienMedia

/// Finishes one input: its shard results assembled into a timeline
/// (`TimelineAssembler`), its status decided, and `<name>.timeline.jsonl` and
/// `<name>.meta.json` written atomically, timeline first (so a meta file
/// saying `complete` always has its timeline beside it). Used by `mien
/// analyze` in one process and by `mien collect` for a stored job alike.
///
/// An input that failed gets only a meta file with status `failed` and the
/// error, and any older timeline of that name is removed so that no stale
/// result stays beside it.
public struct TimelineWriter: Sendable {
    /// The output folder (must exist).
    public let outputDirectory: String
    /// `mien VERSION`, for meta files.
    public let generator: String

    /// Creates a writer.
    public init(outputDirectory: String, generator: String) {
        self.outputDirectory = outputDirectory
        self.generator = generator
    }

    /// The paths of an output name's two files.
    public func paths(name: String) -> (timeline: String, meta: String) {
        (outputDirectory + "/" + name + ".timeline.jsonl", outputDirectory + "/" + name + ".meta.json")
    }

    /// What is known of one input when it is written.
    public struct Input: Sendable {
        /// The input as given, resolved.
        public var summary: InputSummary
        /// Output name.
        public var name: String
        /// Probe figures, when it could be probed.
        public var info: VideoInfo?
        /// Models used, when they were reached.
        public var models: ModelSummary?
        /// Settings.
        public var settings: AnalysisSettings

        /// Describes an input.
        public init(summary: InputSummary, name: String, info: VideoInfo?, models: ModelSummary?, settings: AnalysisSettings) {
            self.summary = summary
            self.name = name
            self.info = info
            self.models = models
            self.settings = settings
        }
    }

    /// Writes the input's files from its shard results (any order), or its
    /// failure, and returns the meta record written.
    /// - Parameters:
    ///   - times: stage times so far (probing); the shards' own are added.
    ///   - wallSeconds: seconds spent on the input before writing (the writing is added).
    public func write(_ input: Input, outcome: Result<[ShardResult], ErrorSummary>, times: StageTimes = StageTimes(),
                      wallSeconds: Double) -> TimelineMeta {
        switch outcome {
        case .failure(let error):
            return finish(input, status: .failed, failure: error, summary: nil, times: times,
                          wallSeconds: wallSeconds, started: DispatchTime.now().uptimeNanoseconds)
        case .success(let results):
            let ordered = results.sorted { $0.task.start < $1.task.start }
            do {
                return try write(input, shardCount: ordered.count, load: { ordered[$0] }, times: times, wallSeconds: wallSeconds)
            } catch {
                // `load` above cannot fail.
                return finish(input, status: .failed, failure: ErrorSummary(code: "analysis_failed", message: "\(error)"),
                              summary: nil, times: times, wallSeconds: wallSeconds, started: DispatchTime.now().uptimeNanoseconds)
            }
        }
    }

    /// Writes the input's files from its shard results, which `load` gives one
    /// at a time in time order (`StreamingTimelineAssembler`: memory for a
    /// shard and a track, whatever the video's length), and returns the meta
    /// record written. The timeline is written piece by piece to a temporary
    /// file and moved into place when whole.
    /// - Parameters:
    ///   - shardCount: shards `0 ..< shardCount`, numbered in time order.
    ///   - load: shard `i`'s result (called twice per shard).
    ///   - times: stage times so far (probing); the shards' own are added.
    ///   - wallSeconds: seconds spent on the input before writing (the writing is added).
    ///   - addShardSeconds: add the shards' own seconds to `wallSeconds` (for
    ///     a stored job, whose shards ran elsewhere).
    /// - Throws: only what `load` threw (a store that failed): no file is
    ///   changed then. Anything else ends in the meta record's status.
    public func write(_ input: Input, shardCount: Int, load: (Int) throws -> ShardResult, times: StageTimes = StageTimes(),
                      wallSeconds: Double, addShardSeconds: Bool = false) throws -> TimelineMeta {
        let started = DispatchTime.now().uptimeNanoseconds
        let path = input.summary.path
        let files = paths(name: input.name)
        struct LoadFailure: Error { let error: any Error }
        var summary: StreamingTimelineAssembler.Summary?
        var failure: ErrorSummary?
        var writer: AtomicFileWriter?
        var writeSeconds = 0.0
        do {
            let file = try AtomicFileWriter(path: files.timeline)
            writer = file
            let assembler = StreamingTimelineAssembler(settings: input.settings, spillFolder: outputDirectory)
            summary = try assembler.assemble(shardCount: shardCount, load: { i in
                do { return try load(i) } catch { throw LoadFailure(error: error) }
            }, emit: { record in
                let mark = DispatchTime.now().uptimeNanoseconds
                try file.append(record.jsonLine() + "\n")
                writeSeconds += ShardAnalyzer.seconds(since: mark)
            })
            if summary!.counts.records == 0 {
                let reason = summary!.readErrors.first.map { " (\($0))" } ?? ""
                failure = ErrorSummary(code: "decode_failed", message: "\(path): no frame could be decoded\(reason)")
            }
        } catch let error as LoadFailure {
            writer?.discard()
            throw error.error
        } catch let error as AnalysisError {
            let message = error.code == .outputFailed ? error.message : "\(path): \(error.message)"
            failure = ErrorSummary(code: error.code.description, message: message)
        } catch {
            failure = ErrorSummary(code: "analysis_failed", message: "\(path): \(error)")
        }
        var status = TimelineStatus.complete
        if failure != nil {
            status = .failed
            writer?.discard()
        } else if let summary, let reason = Self.damage(counts: summary.counts, summary: summary) {
            status = .partial
            failure = ErrorSummary(code: "partial", message: "\(path): \(reason)")
        }
        if status != .failed, let writer {
            let mark = DispatchTime.now().uptimeNanoseconds
            // The old meta goes first: a meta file always describes the timeline beside it.
            try? FileManager.default.removeItem(atPath: files.meta)
            do { try writer.commit() } catch {
                status = .failed
                failure = ErrorSummary(code: error.code.description, message: error.message)
            }
            writeSeconds += ShardAnalyzer.seconds(since: mark)
        }
        var times = times
        if let summary { times = times + summary.times }
        times.write += writeSeconds
        var described = input
        if described.models == nil { described.models = summary?.models }
        let before = wallSeconds + (addShardSeconds ? summary?.seconds ?? 0 : 0)
        return finish(described, status: status, failure: failure, summary: summary, times: times,
                      wallSeconds: before, started: started, writeSeconds: writeSeconds)
    }

    /// Writes the meta file (and, for a failed input, removes any older
    /// timeline, after the older meta file). So at every moment a meta file
    /// describes the timeline beside it: a run that stops between two steps
    /// (a full disk) leaves a timeline without a meta file, or none, never a
    /// meta file saying complete beside another run's timeline or none.
    private func finish(_ input: Input, status: TimelineStatus, failure: ErrorSummary?,
                        summary: StreamingTimelineAssembler.Summary?, times: StageTimes, wallSeconds: Double,
                        started: UInt64, writeSeconds: Double = 0) -> TimelineMeta {
        let files = paths(name: input.name)
        var times = times
        if status == .failed {
            try? FileManager.default.removeItem(atPath: files.meta)
            try? FileManager.default.removeItem(atPath: files.timeline)
        }
        times.finish += max(0, ShardAnalyzer.seconds(since: started) - writeSeconds)
        var meta = TimelineMeta(
            generator: generator, input: input.summary,
            timeline: status == .failed ? nil : (input.name + ".timeline.jsonl"), status: status, error: failure,
            probe: input.info, models: input.info == nil ? nil : input.models, settings: input.settings,
            counts: summary?.counts ?? TimelineCounts(), decode: (summary?.shards ?? 0) == 0 ? nil : summary?.decode,
            times: times, wallSeconds: wallSeconds + ShardAnalyzer.seconds(since: started), finished: Date())
        do { try AtomicFile.write(meta.jsonData(), to: files.meta) } catch {
            // The timeline is there but its meta is not: report the write error in the summary.
            meta.status = .failed
            let message = (error as? AnalysisError)?.message ?? "\(files.meta): \(error)"
            meta.error = ErrorSummary(code: "output_failed", message: message)
        }
        return meta
    }

    /// Why a timeline is not complete, or nil when it is: timestamps that could
    /// not be decoded or analysed, frames the decoder flagged, data it had to
    /// skip (timestamps near skipped data use an earlier frame), or reading
    /// that stopped on an error.
    static func damage(counts: TimelineCounts, summary: StreamingTimelineAssembler.Summary) -> String? {
        var reasons: [String] = summary.readErrors
        if counts.undecodable > 0 { reasons.append("\(counts.undecodable) timestamps undecodable") }
        if counts.failed > 0 { reasons.append("\(counts.failed) timestamps failed") }
        if counts.damaged > 0 { reasons.append("\(counts.damaged) timestamps use frames the decoder flagged as damaged") }
        let skipped = summary.decode.corruptPackets + summary.decode.readErrors
        if skipped > 0 { reasons.append("\(skipped) damaged packets skipped; nearby timestamps use an earlier frame") }
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }
}
