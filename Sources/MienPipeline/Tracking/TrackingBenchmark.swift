import Foundation

/// Times the tracker on a synthetic panning lecture hall (`mien bench track`):
/// a grid of equal faces moving together faster than their own width between
/// samples, so every sample asks `CameraShift` where the camera went.
public enum TrackingBenchmark {
    /// What one run measured.
    public struct Result: Sendable {
        /// Faces in each sample.
        public var faces: Int
        /// Samples tracked.
        public var samples: Int
        /// Tracks the tracker made (one per face when it followed the pan).
        public var tracks: Int
        /// Mean milliseconds of `FaceTracker.update` per sample.
        public var trackerMilliseconds: Double
        /// Mean milliseconds of one shift estimate with the sorted count (`CameraShift.Landing`).
        public var estimateMilliseconds: Double
        /// The same with the plain every-pair count (`CameraShift.landingReference`).
        public var referenceMilliseconds: Double
        /// Whether both estimates found the same shift.
        public var estimatesAgree: Bool
    }

    /// Tracks `samples` samples of `faces` faces (24x29 px, 60 px apart, in rows of 15,
    /// moving 26 px a sample), then times the shift estimate between two samples both ways.
    public static func run(faces: Int, samples: Int) -> Result {
        precondition(faces >= 1 && samples >= 2, "the benchmark needs a face and two samples")
        func frame(_ k: Int) -> [FaceBox] {
            (0..<faces).map { i in
                let jitter = Double((i * 7 + k * 3) % 5) * 0.3
                return FaceBox(x: 2000 + Double(i % 15) * 60 - 26 * Double(k) + jitter, y: 100 + Double(i / 15) * 72 + jitter,
                               width: 24, height: 29)
            }
        }
        let frames = (0..<samples).map(frame)
        var tracker = FaceTracker()
        var ids = Set<Int>()
        var start = DispatchTime.now().uptimeNanoseconds
        for (k, boxes) in frames.enumerated() { ids.formUnion(tracker.update(time: Double(k) / 5, boxes: boxes)) }
        let tracking = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(samples)

        let repeats = max(3, 2000 / max(faces, 1))
        var fast: (dx: Double, dy: Double)?, plain: (dx: Double, dy: Double)?
        start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<repeats { fast = CameraShift.estimate(from: frames[0], to: frames[1]) }
        let estimate = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(repeats)
        start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<repeats {
            plain = CameraShift.estimate(from: frames[0], to: frames[1]) {
                CameraShift.landingReference($0, onto: frames[1], dx: $1, dy: $2)
            }
        }
        let reference = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(repeats)
        return Result(faces: faces, samples: samples, tracks: ids.count, trackerMilliseconds: tracking,
                      estimateMilliseconds: estimate, referenceMilliseconds: reference,
                      estimatesAgree: fast?.dx == plain?.dx && fast?.dy == plain?.dy)
    }
}
