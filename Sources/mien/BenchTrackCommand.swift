import ArgumentParser
import Foundation
import MienPipeline

extension Mien {
    /// `mien bench track`: the tracker's cost on a synthetic camera pan over many faces.
    struct BenchTrack: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "track",
            abstract: "Milliseconds per sample of the face tracker on a synthetic pan (or zoom) over many faces, and of its camera-movement estimate beside the plain reference."
        )

        @Option(parsing: .upToNextOption, help: "Faces per sample to time.")
        var faces: [Int] = [45, 150, 400]

        @Option(help: "Samples tracked for each face count.")
        var samples = 50

        @Flag(help: "Zoom into the faces (12% a sample) instead of panning over them.")
        var zoom = false

        func validate() throws {
            if faces.isEmpty || faces.contains(where: { $0 < 1 }) { throw ValidationError("--faces must be at least 1.") }
            if samples < 2 { throw ValidationError("--samples must be at least 2.") }
        }

        func run() throws {
            print("faces  tracks  tracker ms/sample     estimate ms  plain reference ms  same estimate")
            for count in faces {
                let r = TrackingBenchmark.run(faces: count, samples: samples, zoom: zoom)
                print(String(format: "%5d  %6d  %17.3f  %17.3f  %18.3f  %@", r.faces, r.tracks, r.trackerMilliseconds,
                             r.estimateMilliseconds, r.referenceMilliseconds, r.estimatesAgree ? "yes" : "NO"))
            }
        }
    }
}
