import ArgumentParser
import MienFace
import MienPipeline

/// The options that decide what an analysis computes, shared by `analyze` and `submit`.
struct AnalysisOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Job specification (YAML), e.g. Jobs/classroom.yaml.", valueName: "FILE"))
    var job: String?

    @Option(help: "Sampling rate, timestamps per second (default: every frame).")
    var fps: Double?

    @Flag(help: "Analyse every frame (overrides a job file's fps).")
    var everyFrame = false

    @Option(help: "Smallest face side to search for, in pixels (default 20; smaller is slower).")
    var minFace: Int?

    @Option(help: ArgumentHelp("Temporal smoothing per track: \(SmoothingMethod.syntaxHelp)", valueName: "METHOD"))
    var smooth: String?

    @Option(help: "Leave out faces whose track has fewer samples than this (often false faces; default 1: keep all).")
    var minTrackSamples: Int?

    @Option(help: "Leave out faces whose track's mean detection score is lower than this (0 to 1; default 0.5).")
    var trackMinScore: Double?

    @Option(help: "Seconds a face may go unseen and keep its track (default 1); at --fps under 1, give it more than the time between samples.")
    var trackMaxGap: Double?

    @Option(help: "Face detector (\(DetectorKind.names); default \(DetectorKind.default.rawValue)).")
    var detector: DetectorKind?

    @Option(help: "Emotion classifier (\(ClassifierRegistry.names.joined(separator: ", "))).")
    var classifier: String?

    @Option(help: "Classifier arithmetic: int8 or fp32 (default: int8 where the classifier has an int8 form and the CPU has AVX-512 VNNI).")
    var precision: Precision?

    func validate() throws {
        if fps != nil && everyFrame { throw ValidationError("--fps and --every-frame exclude each other.") }
    }

    /// The job file's settings with these options over them.
    /// - Throws: `Fatal` for a bad job file or value, `ValidationError` for bad smoothing text.
    func settings() throws -> AnalysisSettings {
        do {
            var settings = try job.map { try JobSpecification.load($0).analysis } ?? AnalysisSettings()
            if let fps { settings.fps = fps }
            if everyFrame { settings.fps = nil }
            if let minFace { settings.minFace = minFace }
            if let detector { settings.detector = detector }
            if let minTrackSamples { settings.minTrackSamples = minTrackSamples }
            if let trackMinScore { settings.trackMinScore = trackMinScore }
            if let trackMaxGap { settings.tracker.maxGap = trackMaxGap }
            if let classifier { settings.classifier = classifier }
            if let precision { settings.precision = precision }
            settings.precision = settings.resolvedPrecision
            if let smooth {
                do { settings.smoothing = try SmoothingMethod(parsing: smooth) } catch { throw ValidationError(error.message) }
            }
            try settings.validate()
            if let warning = settings.trackingGapWarning { Mien.warn("warning: " + warning) }
            return settings
        } catch let error as AnalysisError {
            throw Fatal(error.message)
        }
    }
}

extension DetectorKind: ExpressibleByArgument {}
extension Precision: ExpressibleByArgument {}
