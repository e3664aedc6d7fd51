import ArgumentParser
import Foundation
import MienFace
import MienMedia
import MienNN

extension Mien {
    /// `mien bench models`: every registered classifier and the detector on one core, then the
    /// original frameworks (Keras, facenet-pytorch) timed by `Models/bench_reference.py`
    /// on the same machine when its Python environment is installed.
    struct BenchModels: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "models",
            abstract: "Classifiers' faces/s and detector ms/frame on one thread, beside the original frameworks.",
            discussion: """
                The detector runs on a real frame (default: frame at 10 s of \
                ../shared/media/WolfgangLanger_Pexels.mp4), at 640x360 and scaled to 1280x720. \
                The reference figures need `bash Models/setup.sh` (Models/.venv); without it they are skipped.
                """
        )

        @Option(help: "Video (or image) to take the detector's frame from.")
        var video = "../shared/media/WolfgangLanger_Pexels.mp4"

        @Option(help: "Time of the frame, seconds.")
        var time = 10.0

        @Option(help: "Seconds to time each classifier batch size.")
        var seconds = 3.0

        @Option(help: "Detector runs per size.")
        var repeats = 20

        @Flag(help: "Skip the Python reference figures.")
        var noReference = false

        @Flag(help: "Time the detector only (for profiling).")
        var detectorOnly = false

        @Option(help: "Detector frame heights to time (the frame is scaled to 16:9), comma-separated.")
        var heights = "360,720"

        @Option(help: "Detector minimum face sizes to time, comma-separated.")
        var minFaces = "20,40"

        func run() throws {
            print("Mien, one thread")
            let forms = ClassifierRegistry.entries.flatMap { entry in
                [(entry.name, Precision.fp32)] + (entry.loadInt8 == nil ? [] : [(entry.name, Precision.int8)])
            }
            for (name, precision) in forms where !detectorOnly {
                let classifier = try ClassifierRegistry.load(name, precision: precision)
                print("  classifier \(classifier.name) \(precision) (\(classifier.multiplyAdds) multiply-adds per face)")
                for batch in [1, 64] {
                    let result = try ClassifierBenchmark.run(classifier: classifier, batch: batch, seconds: seconds)
                    print(String(format: "    batch %3d  %8.0f faces/s", batch, result.facesPerSecond))
                }
            }
            print("  detector MTCNN, \(video) at \(time) s")
            for height in try Self.integers(heights, "--heights") {
                let image = try Self.frame(video, at: time, width: height * 16 / 9, height: height)
                for minFace in try Self.integers(minFaces, "--min-faces") {
                    let r = try DetectorBenchmark.run(image: image, minFace: minFace, repeats: repeats)
                    print(String(format: "    %4dx%-4d min face %2d  %7.1f ms/frame (best %.1f; P-Net %.1f, R-Net %.1f, O-Net %.1f, other %.1f), %d face(s)",
                                 r.width, r.height, minFace, r.msPerFrame, r.bestMs, r.pnetMs, r.rnetMs, r.onetMs, r.ownCodeMs, r.faces))
                }
            }
            guard !noReference else { return }
            try Self.runReference(seconds: seconds)
        }

        /// A comma-separated list of positive integers.
        static func integers(_ list: String, _ option: String) throws -> [Int] {
            try list.split(separator: ",").map {
                guard let n = Int($0.trimmingCharacters(in: .whitespaces)), n > 0 else {
                    throw ValidationError("\(option): '\($0)' is not a positive integer")
                }
                return n
            }
        }

        /// The RGB frame at `time`, scaled to fit `width` x `height` (up or down).
        static func frame(_ path: String, at time: Double, width: Int, height: Int) throws -> PixelImage {
            let reader = try VideoReader(path: path)
            var image: PixelImage?
            let request = PixelRequest(.rgb, maxWidth: width, maxHeight: height, allowUpscaling: true)
            try reader.read(range: TimeRange(start: reader.info.isImage ? 0 : time, end: .infinity), sampling: .everyFrame) { sample in
                if image == nil { image = try sample.frame.image(request) }
            }
            guard let image else { throw ValidationError("\(path): no frame at \(time) s") }
            return image
        }

        static func runReference(seconds: Double) throws {
            let python = "Models/.venv/bin/python"
            guard FileManager.default.isExecutableFile(atPath: python) else {
                print("\nreference: skipped (\(python) not found; run `bash Models/setup.sh` from the repository root)")
                return
            }
            print("\nreference (original frameworks, Models/bench_reference.py):")
            fflush(nil)  // ours first: the child writes straight to the same output
            let process = Process()
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = ["Models/bench_reference.py", "--seconds", String(seconds)]
            try process.run()
            process.waitUntilExit()
        }
    }
}
