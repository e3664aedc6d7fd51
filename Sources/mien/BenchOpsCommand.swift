import ArgumentParser
import Foundation
import MienNN

extension Mien {
    /// `mien bench ops`: each network operator's fast path beside its plain reference.
    struct BenchOps: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ops",
            abstract: "Time the network operators at the models' shapes on one thread, fast path beside the reference."
        )

        @Option(help: "Images per call for the classifier-shaped cases.")
        var batch = 64

        @Flag(help: "Skip the (slow) reference implementations.")
        var noReference = false

        func run() throws {
            print("operator                                   MMACs     fast ms   GMAC/s   reference ms  speed-up")
            for row in OpBenchmark.run(batch: batch, withReference: !noReference) {
                let reference = row.referenceSeconds.map { String(format: "%12.1f  %7.1fx", $0 * 1e3, $0 / row.fastSeconds) } ?? ""
                print(row.name.padding(toLength: 40, withPad: " ", startingAt: 0)
                      + String(format: "%9.1f  %9.2f  %7.1f   ", Double(row.multiplyAdds) / 1e6, row.fastSeconds * 1e3, row.gigaMACs)
                      + reference)
            }
        }
    }
}
