import ArgumentParser
import Foundation
import MienFace
import MienNN
import MienPipeline

extension Mien {
    /// `mien analyze`: emotion timelines for videos and images.
    struct Analyze: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a per-timestamp emotion timeline (JSON Lines) and a meta file for each video or image.",
            discussion: """
                INPUT is a video or image file, or a folder (every file under it, hidden ones left out). \
                For each input NAME.EXT, DIR gets NAME.timeline.jsonl (one JSON object per sampled \
                timestamp: faces with track ids, boxes, landmarks and emotion probabilities) and \
                NAME.meta.json (probe figures, models, settings, counts, timings, status and error). \
                Same-named inputs get NAME-HASH. Files are replaced atomically.

                Settings come from --job FILE (see Jobs/), then the options given here. Every input is \
                analysed even when some fail. Exit code: 0 when every input is complete, 2 when some \
                failed or are partial (see their meta files and the summary), 1 when nothing could \
                start (bad options, job file, models or output folder).
                """
        )

        @Option(name: .long, help: ArgumentHelp("Output folder (created if missing).", valueName: "DIR"))
        var out: String

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

        @Option(help: "Emotion classifier (\(ClassifierRegistry.names.joined(separator: ", "))).")
        var classifier: String?

        @Option(help: "Threads for the per-frame work (default: one per core).")
        var threads: Int = ProcessInfo.processInfo.activeProcessorCount

        @Flag(help: "Print the summary as one JSON object on stdout.")
        var json = false

        @OptionGroup var input: InputOptions

        @Argument(help: "Video or image files, or folders of them.")
        var inputs: [String]

        func validate() throws {
            if fps != nil && everyFrame { throw ValidationError("--fps and --every-frame exclude each other.") }
            if threads < 1 { throw ValidationError("--threads must be at least 1.") }
        }

        /// The job file's settings with this command line's options over them.
        func settings() throws -> AnalysisSettings {
            var settings = try job.map { try JobSpecification.load($0).analysis } ?? AnalysisSettings()
            if let fps { settings.fps = fps }
            if everyFrame { settings.fps = nil }
            if let minFace { settings.minFace = minFace }
            if let classifier { settings.classifier = classifier }
            if let smooth {
                do { settings.smoothing = try SmoothingMethod(parsing: smooth) } catch { throw ValidationError(error.message) }
            }
            try settings.validate()
            return settings
        }

        func run() throws {
            // One BLAS thread per analysing thread: the GEMMs are small, frames run in parallel.
            MatrixMultiply.setThreads(1)
            let settings: AnalysisSettings
            do { settings = try self.settings() } catch let error as AnalysisError {
                throw Fatal(error.message)
            }
            let expanded = InputExpansion.expand(inputs)
            for folder in expanded.emptyFolders { Self.warn("warning: \(folder): folder holds no files") }
            guard !expanded.files.isEmpty else { throw Fatal("no input files (folders given: \(expanded.emptyFolders.joined(separator: ", ")))") }
            do { try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true) } catch {
                throw Fatal("\(out): cannot create the output folder: \(error.localizedDescription)")
            }
            let models: AnalysisModels
            do { models = try AnalysisModels(settings: settings) } catch { throw Fatal(error.message) }

            let analysis = InputAnalysis(
                analyzer: ShardAnalyzer(models: models, settings: settings, threads: threads),
                outputDirectory: out, options: input.mediaOptions(), generator: "mien \(Mien.configuration.version)")
            let names = OutputNaming.names(for: expanded.files, outputDirectory: out)
            let display = ProgressDisplay.onTerminal()
            var summary = AnalyzeSummary(threads: threads)
            for (index, file) in expanded.files.enumerated() {
                let meta = analysis.run(file, name: names[index], started: { expected in
                    display?.started(index: index, count: expanded.files.count, input: file, expected: expected)
                }, progress: { records, time in display?.advanced(records: records, time: time) })
                display?.clear()
                summary.add(meta)
                if meta.status != .complete, let error = meta.error { Self.warn("\(meta.status.rawValue): \(error.message)") }
            }
            if json { print(summary.jsonLine()) } else { Self.warn(summary.table(outputDirectory: out)) }
            if summary.problemCount > 0 { throw ExitCode(2) }
        }

        static func warn(_ line: String) {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }
}

/// An error that stops the whole command before any input is analysed (exit code 1).
struct Fatal: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
