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
        let started = DispatchTime.now().uptimeNanoseconds
        let path = input.summary.path
        var times = times
        var failure: ErrorSummary?
        var records: [FrameRecord] = []
        var transientFaces = 0
        var shards: [ShardResult] = []
        switch outcome {
        case .failure(let error): failure = error
        case .success(let results):
            shards = results
            for shard in results { times = times + shard.times }
            do {
                (records, transientFaces) = try TimelineAssembler(settings: input.settings).assembleCounting(results)
                if records.isEmpty {
                    let reason = results.compactMap(\.readError).first.map { " (\($0))" } ?? ""
                    failure = ErrorSummary(code: "decode_failed", message: "\(path): no frame could be decoded\(reason)")
                }
            } catch {
                failure = ErrorSummary(code: error.code.description, message: "\(path): \(error.message)")
            }
        }
        times.finish += ShardAnalyzer.seconds(since: started)

        var counts = TimelineCounts(records)
        counts.transientFaces = transientFaces
        var status = TimelineStatus.complete
        if failure != nil {
            status = .failed
        } else if let reason = Self.damage(counts: counts, shards: shards) {
            status = .partial
            failure = ErrorSummary(code: "partial", message: "\(path): \(reason)")
        }
        let files = paths(name: input.name)
        let writing = DispatchTime.now().uptimeNanoseconds
        if status != .failed {
            do { try AtomicFile.write(TimelineFile.data(records), to: files.timeline) } catch {
                status = .failed
                failure = ErrorSummary(code: error.code.description, message: error.message)
            }
        }
        if status == .failed { try? FileManager.default.removeItem(atPath: files.timeline) }
        times.write += ShardAnalyzer.seconds(since: writing)
        var meta = TimelineMeta(
            generator: generator, input: input.summary,
            timeline: status == .failed ? nil : (input.name + ".timeline.jsonl"), status: status, error: failure,
            probe: input.info, models: input.info == nil ? nil : input.models, settings: input.settings,
            counts: counts, decode: shards.isEmpty ? nil : shards.map(\.decode).reduce(DecodeStats(), +),
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
    static func damage(counts: TimelineCounts, shards: [ShardResult]) -> String? {
        var reasons: [String] = shards.compactMap(\.readError)
        if counts.undecodable > 0 { reasons.append("\(counts.undecodable) timestamps undecodable") }
        if counts.failed > 0 { reasons.append("\(counts.failed) timestamps failed") }
        if counts.damaged > 0 { reasons.append("\(counts.damaged) timestamps use frames the decoder flagged as damaged") }
        let skipped = shards.reduce(0) { $0 + $1.decode.corruptPackets + $1.decode.readErrors }
        if skipped > 0 { reasons.append("\(skipped) damaged packets skipped; nearby timestamps use an earlier frame") }
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }
}
