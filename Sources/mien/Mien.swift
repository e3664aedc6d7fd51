import ArgumentParser
import MienNN

/// The `mien` command: facial-expression timelines from recorded video.
@main
struct Mien: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mien",
        abstract: "Batch facial-expression analysis of recorded video.",
        version: "0.1.0",
        subcommands: [
            Analyze.self, Export.self, Render.self, Summarize.self, Report.self, Submit.self, Worker.self, Serve.self, Status.self, Collect.self,
            Retry.self, Cancel.self,
            Probe.self, Detect.self, Eval.self, Bench.self,
        ]
    )

    /// Tunes the allocator (see `AllocatorTuning`), limits OpenBLAS to one
    /// thread for every command (see `MatrixMultiply.useSingleThreadedBLAS`:
    /// Mien runs its own threads and worker processes above it), then runs
    /// the command line.
    static func main() async {
        AllocatorTuning.apply()
        MatrixMultiply.useSingleThreadedBLAS()
        await main(nil)
    }
}
