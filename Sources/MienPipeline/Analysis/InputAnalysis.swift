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
    public func run(_ input: String, name: String) -> TimelineMeta {
        let clock = DispatchTime.now().uptimeNanoseconds
        let settings = analyzer.settings
        var times = StageTimes()
        var info: VideoInfo?
        let outcome: Result<[ShardResult], ErrorSummary>
        do {
            let probed = try VideoProber.probe(input, options: options)
            info = probed
            times.probe = ShardAnalyzer.seconds(since: clock)
            outcome = .success([try analyzer.analyze(probed, options: options)])
        } catch let error as MediaError {
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
}
