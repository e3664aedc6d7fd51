import Foundation

/// Times the tracker on a synthetic lecture hall filmed by a moving camera
/// (`mien bench track`): a grid of equal faces panned faster than their own
/// width between samples, or zoomed into 12% a sample, so every sample asks
/// `CameraShift` where the camera went.
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
    /// moving 26 px a sample, or with `zoom` growing 12% a sample about the grid's
    /// centre), then times the movement estimate between two samples both ways.
    public static func run(faces: Int, samples: Int, zoom: Bool = false) -> Result {
        precondition(faces >= 1 && samples >= 2, "the benchmark needs a face and two samples")
        let (cx, cy) = (2000 + 7 * 60.0, 100 + Double((faces - 1) / 15) * 36)
        func frame(_ k: Int) -> [FaceBox] {
            (0..<faces).map { i in
                let jitter = Double((i * 7 + k * 3) % 5) * 0.3
                let x = 2000 + Double(i % 15) * 60 + jitter, y = 100 + Double(i / 15) * 72 + jitter
                guard zoom else { return FaceBox(x: x - 26 * Double(k), y: y, width: 24, height: 29) }
                let r = Foundation.pow(1.12, Double(k))
                return FaceBox(x: cx + r * (x - cx), y: cy + r * (y - cy), width: 24 * r, height: 29 * r)
            }
        }
        let frames = (0..<samples).map(frame)
        var tracker = FaceTracker()
        var ids = Set<Int>()
        var start = DispatchTime.now().uptimeNanoseconds
        for (k, boxes) in frames.enumerated() { ids.formUnion(tracker.update(time: Double(k) / 5, boxes: boxes)) }
        let tracking = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(samples)

        let repeats = max(3, 2000 / max(faces, 1))
        var fast: CameraShift.Motion?, plain: CameraShift.Motion?
        start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<repeats { fast = CameraShift.estimate(from: frames[0], to: frames[1]) }
        let estimate = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(repeats)
        start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<repeats {
            plain = CameraShift.estimate(from: frames[0], to: frames[1]) {
                CameraShift.landingReference($0, onto: frames[1], $1)
            }
        }
        let reference = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(repeats)
        return Result(faces: faces, samples: samples, tracks: ids.count, trackerMilliseconds: tracking,
                      estimateMilliseconds: estimate, referenceMilliseconds: reference,
                      estimatesAgree: fast == plain)
    }
}
