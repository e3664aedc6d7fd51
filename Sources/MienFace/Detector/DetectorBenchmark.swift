import Foundation
import MienMedia
import MienNN

/// Times `MTCNNDetector` on one image, for `mien bench models`. Prints nothing.
///
/// The matrix products run on one OpenBLAS thread (the process-wide default,
/// `MatrixMultiply.useSingleThreadedBLAS`), so the figures are single-core.
public enum DetectorBenchmark {
    /// Milliseconds per frame, in total and split by stage (means over the timed runs).
    public struct Result: Sendable {
        /// Image size.
        public var width: Int
        /// Image size.
        public var height: Int
        /// Minimum face size used.
        public var minFace: Int
        /// Timed runs (after one untimed warm-up run).
        public var repeats: Int
        /// Faces found.
        public var faces: Int
        /// Pyramid levels P-Net ran on.
        public var levels: Int
        /// Mean wall time of `detect`, in milliseconds.
        public var msPerFrame: Double
        /// Fastest run, in milliseconds.
        public var bestMs: Double
        /// Integral image and pyramid resizing.
        public var resizeMs: Double
        /// P-Net on all levels (its convolutions, pooling and softmax).
        public var pnetMs: Double
        /// Candidate boxes, suppression and regression after P-Net.
        public var proposalsMs: Double
        /// Cropping + R-Net + its box handling.
        public var rnetCropsMs: Double, rnetMs: Double, rnetBoxesMs: Double
        /// Cropping + O-Net + its box handling.
        public var onetCropsMs: Double, onetMs: Double, onetBoxesMs: Double

        /// The time spent in the detector's own code (everything but the three networks).
        public var ownCodeMs: Double { resizeMs + proposalsMs + rnetCropsMs + rnetBoxesMs + onetCropsMs + onetBoxesMs }
    }

    /// Runs the detector on `image` (`.rgb` or `.rgbPlanar`) once untimed, then `repeats` times timed.
    /// - Parameter detector: the detector to time; by default one loaded from the model folder.
    /// - Throws: what loading the detector throws; `NNError.badInput` for a gray image.
    public static func run(image: PixelImage, minFace: Int = 20, repeats: Int = 10,
                           detector: MTCNNDetector? = nil) throws -> Result {
        precondition(minFace >= 1, "minimum face size must be at least 1 pixel, got \(minFace)")
        var detector = try detector ?? MTCNNDetector()
        detector.settings.minFaceSize = minFace
        let faces = try detector.detect(image).count
        var clock = StageClock(enabled: true)
        var total = 0.0, best = Double.infinity
        let runs = max(1, repeats)
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try detector.detect(image, clock: &clock)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            total += seconds
            best = min(best, seconds)
        }
        let ms = { (stage: StageClock.Stage) in clock[stage] * 1000 / Double(runs) }
        return Result(
            width: image.width, height: image.height, minFace: minFace, repeats: runs, faces: faces,
            levels: MTCNNDetector.pyramidScales(height: image.height, width: image.width, settings: detector.settings).count,
            msPerFrame: total * 1000 / Double(runs), bestMs: best * 1000,
            resizeMs: ms(.resize), pnetMs: ms(.pnet), proposalsMs: ms(.proposals),
            rnetCropsMs: ms(.rnetCrops), rnetMs: ms(.rnet), rnetBoxesMs: ms(.rnetBoxes),
            onetCropsMs: ms(.onetCrops), onetMs: ms(.onet), onetBoxesMs: ms(.onetBoxes))
    }
}
