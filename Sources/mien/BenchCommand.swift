import ArgumentParser

extension Mien {
    /// `mien bench`: benchmarks that print figures beside a reference.
    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure speed, side by side with a reference tool.",
            subcommands: [BenchAnalyze.self, BenchDetect.self, BenchCollect.self, BenchWorkers.self, BenchQueue.self, BenchDecode.self, BenchModels.self, BenchOps.self, BenchClassifier.self, BenchTrack.self]
        )
    }
}
