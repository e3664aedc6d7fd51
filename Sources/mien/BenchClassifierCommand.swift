import ArgumentParser
import Foundation
import MienFace
import MienNN

extension Mien {
    /// `mien bench classifier`: faces per second of an emotion classifier on one core.
    struct BenchClassifier: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "classifier",
            abstract: "Faces per second of an emotion classifier (synthetic 48x48 faces, preprocessing included)."
        )

        @Option(help: "Classifier name (\(ClassifierRegistry.names.joined(separator: ", "))).")
        var classifier = ClassifierRegistry.defaultName

        @Option(help: "Arithmetic: fp32 or int8.")
        var precision = Precision.fp32

        @Option(parsing: .upToNextOption, help: "Batch sizes to time.")
        var batch: [Int] = [1, 64]

        @Option(help: "Seconds to time each batch size.")
        var seconds = 3.0

        @Option(help: "OpenBLAS threads.")
        var threads = 1

        @Flag(help: "Also print the time per layer.")
        var layers = false

        func validate() throws {
            if batch.contains(where: { $0 < 1 }) { throw ValidationError("--batch sizes must be at least 1.") }
            if seconds <= 0 { throw ValidationError("--seconds must be positive.") }
        }

        func run() throws {
            MatrixMultiply.setThreads(threads)
            let model = try ClassifierRegistry.load(classifier, precision: precision)
            print("\(model.name) \(precision): \(model.multiplyAdds) multiply-adds per face, \(threads) thread(s)")
            for size in batch {
                let result = try ClassifierBenchmark.run(classifier: model, batch: size, seconds: seconds)
                print(String(format: "  batch %4d  %9.1f faces/s  (%d faces in %.2f s)", size, result.facesPerSecond,
                             result.faces, result.seconds))
            }
            guard layers, let traced = model as? any LayerTracing else { return }
            for size in batch {
                let split = try ClassifierBenchmark.layerSplit(traced, batch: size, repeats: max(3, Int(seconds * 1000) / (size * 2)))
                let total = split.reduce(0) { $0 + $1.seconds }
                print(String(format: "  per layer, batch %d (%.3f ms per batch):", size, total * 1000))
                for (layer, time) in split {
                    print("    " + layer.padding(toLength: 22, withPad: " ", startingAt: 0) + String(format: " %8.3f ms  %5.1f%%", time * 1000, time / total * 100))
                }
            }
        }
    }
}
