import ArgumentParser
import Foundation
import MienFace
import MienNN
import MienMedia

extension Mien {
    /// `mien detect`: the faces (YuNet or MTCNN) in every frame of videos and images.
    struct Detect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find faces and their five landmarks in videos and images (YuNet or MTCNN).",
            discussion: """
                Boxes are [x, y, width, height] in displayed pixels (upright, native size), \
                with the face probability and five landmarks (eyes, nose, mouth corners) as \
                [x, y]. With --json, one object per frame per line: {"path", "t", "faces"}. \
                Every input is processed even when some fail; a failed input is reported \
                (with --json: {"path": ..., "error": ...}) and the exit code is 1.
                """
        )

        @Flag(help: "Print one JSON object per frame per line instead of a summary.")
        var json = false

        @Option(help: "Smallest face side to search for, in pixels (smaller is slower).")
        var minFace = 20

        @Option(help: "Face detector (\(DetectorKind.names)).")
        var detector: DetectorKind = .default

        @Option(help: "Look at frames on a time grid of this many per second (default: every frame).")
        var fps: Double?

        @Argument(help: "Video or image files.")
        var files: [String]

        func validate() throws {
            if minFace < 1 { throw ValidationError("--min-face must be at least 1 pixel.") }
            if let fps, !(fps > 0 && fps.isFinite) { throw ValidationError("--fps must be a positive number.") }
        }

        func run() throws {
            let detector = try self.detector.load(minFaceSize: minFace)
            let sampling: Sampling = fps.map { .grid(fps: $0) } ?? .everyFrame
            var failures: [DetectRecord] = []
            for file in files {
                var summary = DetectSummary(path: file)
                var failed = false
                do {
                    let reader = try VideoReader(path: file)
                    try reader.read(sampling: sampling) { sample in
                        let faces = try detector.detect(try sample.frame.image(PixelRequest(.rgb)))
                        summary.add(time: sample.time, faces: faces)
                        if json { print(DetectRecord.frame(path: file, time: sample.time, faces: faces).jsonLine()) }
                    }
                } catch {
                    // Frames before a failure in the middle stay reported.
                    let record = DetectRecord.failure(path: file, error)
                    failures.append(record)
                    failed = true
                    if json { print(record.jsonLine()) }
                }
                if json {
                    fflush(nil)  // streamed, so a long video shows its frames as they are done
                } else if summary.frames > 0 || !failed {
                    print(summary.render(), terminator: "")
                }
            }
            if !json {
                for case .failure(let path, let error, _) in failures { print("error: \(path): \(error)") }
            }
            if !failures.isEmpty { throw ExitCode(1) }
        }
    }
}
