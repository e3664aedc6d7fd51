import ArgumentParser

/// The `mien` command: facial-expression timelines from recorded video.
@main
struct Mien: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mien",
        abstract: "Batch facial-expression analysis of recorded video.",
        version: "0.1.0",
        subcommands: [Analyze.self, Export.self, Probe.self, Detect.self, Eval.self, Bench.self]
    )

    /// Tunes the allocator (see `AllocatorTuning`), then runs the command line.
    static func main() {
        AllocatorTuning.apply()
        main(nil)
    }
}
