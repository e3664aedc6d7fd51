import Dispatch
import Foundation
import MienMedia

/// Analyses one input into `<out>/<name>.timeline.jsonl` and
/// `<out>/<name>.meta.json` in this process: probe, `ShardAnalyzer` over the
/// whole video, then `TimelineWriter`.
///
/// Never throws: an input that cannot be analysed gets a meta file with
/// status `failed` and the error (see `TimelineWriter`).
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
        TimelineWriter(outputDirectory: outputDirectory, generator: generator).paths(name: name)
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
        let outcome: Result<[ShardResult], ErrorSummary>
        do {
            let probed = try VideoProber.probe(input, options: options)
            info = probed
            times.probe = ShardAnalyzer.seconds(since: clock)
            started(Self.expectedRecords(probed, fps: settings.fps))
            outcome = .success([try analyzer.analyze(probed, options: options, progress: progress)])
        } catch let error as MediaError {
            started(0)
            outcome = .failure(ErrorSummary(code: error.code.rawValue, message: error.description))
        } catch let error as AnalysisError {
            outcome = .failure(ErrorSummary(code: error.code.description, message: "\(input): \(error.message)"))
        } catch {
            outcome = .failure(ErrorSummary(code: "analysis_failed", message: "\(input): \(error)"))
        }
        let described = TimelineWriter.Input(summary: InputSummary(path: input), name: name, info: info,
                                              models: analyzer.models.summary, settings: settings)
        return TimelineWriter(outputDirectory: outputDirectory, generator: generator)
            .write(described, outcome: outcome, times: times, wallSeconds: ShardAnalyzer.seconds(since: clock))
    }

    /// Records the probe expects: grid points over the duration, or frames.
    static func expectedRecords(_ info: VideoInfo, fps: Double?) -> Int {
        if info.isImage { return 1 }
        guard let fps else { return info.frames }
        return max(1, Int((info.duration * fps - TimeRange.tolerance).rounded(.up)))
    }
}
