import Dispatch
import Foundation
import MienMedia

/// Analyses one input into `<out>/<name>.timeline.jsonl` and
/// `<out>/<name>.meta.json`: probe, `ShardAnalyzer` over the whole video,
/// `TimelineAssembler`, then both files written atomically (timeline first,
/// so a meta file saying `complete` always has its timeline beside it).
///
/// Never throws: an input that cannot be analysed gets a meta file with
/// status `failed` and the error, and any older timeline of that name is
/// removed so that no stale result stays beside it.
public struct InputAnalysis: Sendable {
    /// Settings, models and threads.
    public let analyzer: ShardAnalyzer
    /// The output folder (must exist).
    public let outputDirectory: String
    /// How inputs are opened (network and playlist permissions).
    public let options: MediaOpenOptions
    /// `mien VERSION`, for meta files.
    public let generator: String

    /// Creates an input analysis.
    public init(analyzer: ShardAnalyzer, outputDirectory: String, options: MediaOpenOptions = MediaOpenOptions(), generator: String) {
        self.analyzer = analyzer
        self.outputDirectory = outputDirectory
        self.options = options
        self.generator = generator
    }

    /// The paths of an output name's two files.
    public func paths(name: String) -> (timeline: String, meta: String) {
        (outputDirectory + "/" + name + ".timeline.jsonl", outputDirectory + "/" + name + ".meta.json")
    }

    /// Analyses `input` into the files called `name`, returning the meta record written.
    /// - Parameters:
    ///   - started: called once the input is probed, with the expected record count (0 if unknown).
    ///   - progress: called as records are done, with their count and the latest time.
    public func run(_ input: String, name: String, started: (Int) -> Void = { _ in },
                    progress: (Int, Double) -> Void = { _, _ in }) -> TimelineMeta {
        let clock = DispatchTime.now().uptimeNanoseconds
        let settings = analyzer.settings
        var times = StageTimes()
        var info: VideoInfo?
        var result: ShardResult?
        var failure: ErrorSummary?
        var records: [FrameRecord] = []
        do {
            let probed = try VideoProber.probe(input, options: options)
            info = probed
            times.probe = ShardAnalyzer.seconds(since: clock)
            started(Self.expectedRecords(probed, fps: settings.fps))
            let shard = try analyzer.analyze(probed, options: options, progress: progress)
            result = shard
            times = times + shard.times
            let finishing = DispatchTime.now().uptimeNanoseconds
            records = try TimelineAssembler(settings: settings).assemble([shard])
            times.finish = ShardAnalyzer.seconds(since: finishing)
            if records.isEmpty {
                failure = ErrorSummary(code: "decode_failed",
                    message: "\(input): no frame could be decoded" + (shard.readError.map { " (\($0))" } ?? ""))
            }
        } catch let error as MediaError {
            started(0)
            failure = ErrorSummary(code: error.code.rawValue, message: error.description)
        } catch let error as AnalysisError {
            failure = ErrorSummary(code: error.code.description, message: "\(input): \(error.message)")
        } catch {
            failure = ErrorSummary(code: "analysis_failed", message: "\(input): \(error)")
        }

        let counts = TimelineCounts(records)
        var status = TimelineStatus.complete
        if failure != nil {
            status = .failed
        } else if let reason = Self.damage(counts: counts, result: result) {
            status = .partial
            failure = ErrorSummary(code: "partial", message: "\(input): \(reason)")
        }
        let files = paths(name: name)
        let writing = DispatchTime.now().uptimeNanoseconds
        if status != .failed {
            do { try AtomicFile.write(TimelineFile.data(records), to: files.timeline) } catch {
                status = .failed
                failure = ErrorSummary(code: error.code.description, message: error.message)
            }
        }
        if status == .failed { try? FileManager.default.removeItem(atPath: files.timeline) }
        times.write = ShardAnalyzer.seconds(since: writing)
        var meta = TimelineMeta(
            generator: generator, input: InputSummary(path: input),
            timeline: status == .failed ? nil : (name + ".timeline.jsonl"), status: status, error: failure,
            probe: info, models: info == nil ? nil : analyzer.models.summary, settings: settings,
            counts: counts, decode: result?.decode, times: times,
            wallSeconds: ShardAnalyzer.seconds(since: clock), finished: Date())
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
    static func damage(counts: TimelineCounts, result: ShardResult?) -> String? {
        var reasons: [String] = []
        if let error = result?.readError { reasons.append(error) }
        if counts.undecodable > 0 { reasons.append("\(counts.undecodable) timestamps undecodable") }
        if counts.failed > 0 { reasons.append("\(counts.failed) timestamps failed") }
        if counts.damaged > 0 { reasons.append("\(counts.damaged) timestamps use frames the decoder flagged as damaged") }
        if let decode = result?.decode, decode.corruptPackets + decode.readErrors > 0 {
            reasons.append("\(decode.corruptPackets + decode.readErrors) damaged packets skipped; nearby timestamps use an earlier frame")
        }
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }

    /// Records the probe expects: grid points over the duration, or frames.
    static func expectedRecords(_ info: VideoInfo, fps: Double?) -> Int {
        if info.isImage { return 1 }
        guard let fps else { return info.frames }
        return max(1, Int((info.duration * fps - TimeRange.tolerance).rounded(.up)))
    }
}
