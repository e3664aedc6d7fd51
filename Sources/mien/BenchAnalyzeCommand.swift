import ArgumentParser
import Foundation
import MienFace
import MienMedia
import MienNN
import MienPipeline

extension Mien {
    /// `mien bench analyze`: whole-pipeline speed and memory on one video, beside the `fer` package.
    struct BenchAnalyze: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "analyze",
            abstract: "Time mien analyze on one video (every frame, then --fps 5), beside the Python fer package.",
            discussion: """
                Runs the whole analysis (decode, detect, align, classify, track, write) twice in this \
                process: every frame, which gives frames/s and the peak resident memory, then on a grid \
                of 5 per second, which gives the speed relative to real time. Then, unless \
                --no-reference, runs Models/bench_fer_video.py: the fer package (mtcnn=True) on every \
                frame of the same video, in its own process. That needs `bash Models/setup.sh`.
                """
        )

        @Option(help: "Threads for the per-frame work (default: one per core).")
        var threads = ProcessInfo.processInfo.activeProcessorCount

        @Option(help: "Smallest face side searched for, pixels.")
        var minFace = 20

        @Option(help: "Sampling rate of the second run.")
        var fps = 5.0

        @Option(help: "Classifier name (\(ClassifierRegistry.names.joined(separator: ", "))).")
        var classifier = ClassifierRegistry.defaultName

        @Option(help: "Face detector (\(DetectorKind.names)).")
        var detector: DetectorKind = .default

        @Option(parsing: .upToNextOption, help: "Classifier precisions to run, each in turn (default: the classifier's default).")
        var precision: [Precision] = []

        @Flag(help: "Skip the Python reference.")
        var noReference = false

        @Argument(help: "The video, e.g. ../shared/media/WolfgangLanger_Pexels.mp4.")
        var file: String

        func run() throws {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mien-bench-\(getpid())").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let precisions = precision.isEmpty ? [AnalysisSettings.defaultPrecision(for: classifier)] : precision
            for (rate, arithmetic) in [nil, fps].flatMap({ rate in precisions.map { (rate, $0) } }) {
                print("mien analyze on \(file): \(threads) threads, \(detector.rawValue), \(classifier) \(arithmetic), min face \(minFace)")
                let settings = AnalysisSettings(fps: rate, minFace: minFace, detector: detector, classifier: classifier,
                                                precision: arithmetic)
                try settings.validate()
                let models = try AnalysisModels(settings: settings)
                let analysis = InputAnalysis(
                    analyzer: ShardAnalyzer(models: models, settings: settings, threads: threads),
                    outputDirectory: folder, generator: "mien bench")
                let meta = analysis.run(file, name: "bench")
                guard meta.status == .complete, let probe = meta.probe else {
                    throw Fatal("\(file): \(meta.error?.message ?? meta.status.rawValue)")
                }
                let label = rate.map { String(format: "--fps %g", $0) } ?? "every frame"
                let perSecond = Double(meta.counts.records) / meta.wallSeconds
                print(String(format: "  %-12@ %5d records in %6.2f s: %7.1f records/s, %5.1fx real time, %d faces",
                             label, meta.counts.records, meta.wallSeconds, perSecond, probe.duration / meta.wallSeconds,
                             meta.counts.faces))
                let stages = meta.times.named.filter { $0.seconds >= 0.005 }.map { String(format: "%@ %.2f", $0.name, $0.seconds) }
                print("               stage seconds: " + stages.joined(separator: ", "))
                if rate == nil { print(String(format: "               peak resident memory so far: %.0f MiB", PeakMemory.residentMiB())) }
            }
            if !noReference { try Self.runReference(file) }
        }

        static func runReference(_ file: String) throws {
            let python = "Models/.venv/bin/python"
            guard FileManager.default.isExecutableFile(atPath: python) else {
                print("\nreference: skipped (\(python) not found; run `bash Models/setup.sh` from the repository root)")
                return
            }
            print("\nreference (fer with mtcnn=True, Models/bench_fer_video.py):")
            fflush(nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = ["Models/bench_fer_video.py", file]
            try process.run()
            process.waitUntilExit()
        }
    }
}
