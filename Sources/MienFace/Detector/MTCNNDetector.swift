import MienMedia
import MienNN

/// The MTCNN face detector: a port of facenet-pytorch 2.6.0's `detect_face`
/// (as `MTCNN(keep_all=True).detect(image, landmarks=True)` runs it) that finds
/// faces and five landmarks in an RGB image.
///
/// ```swift
/// let detector = try MTCNNDetector()
/// let faces = try detector.detect(frame.image(PixelRequest(.rgb)))   // largest first
/// ```
/// The cascade (see `Models/README.md`, "The cascade"): an image pyramid with
/// area resizing, P-Net proposals with two rounds of IoU suppression,
/// regression and squaring; R-Net on 24x24 crops; O-Net on 48x48 crops with
/// landmarks, regression and a final "Min" suppression; boxes sorted by area.
/// Arithmetic is float32 in facenet-pytorch's order, so boxes agree with it to
/// a small fraction of a pixel on the same pixels.
///
/// A detector holds only immutable weights: one instance can serve any number
/// of threads. The networks' matrix products use OpenBLAS, whose thread count
/// is process-wide: one (`MatrixMultiply.useSingleThreadedBLAS`).
public struct MTCNNDetector: Sendable {
    /// The cascade's settings; the defaults are facenet-pytorch's (and fer's).
    public struct Settings: Sendable, Equatable {
        /// Smallest face side searched for, in pixels: the pyramid starts at scale `12 / minFaceSize`.
        public var minFaceSize: Int
        /// Face-probability thresholds of P-Net (`>=`), R-Net (`>`) and O-Net (`>`).
        public var thresholds: [Double]
        /// Ratio between pyramid levels.
        public var factor: Double

        /// Creates settings; `minFaceSize` at least 1, three thresholds, `factor` in (0, 1).
        public init(minFaceSize: Int = 20, thresholds: [Double] = [0.6, 0.7, 0.7], factor: Double = 0.709) {
            precondition(minFaceSize >= 1, "minimum face size must be at least 1 pixel, got \(minFaceSize)")
            precondition(thresholds.count == 3, "MTCNN takes three thresholds, got \(thresholds)")
            precondition(factor > 0 && factor < 1, "pyramid factor must lie in (0, 1), got \(factor)")
            self.minFaceSize = minFaceSize
            self.thresholds = thresholds
            self.factor = factor
        }
    }

    /// The settings in use.
    public var settings: Settings
    let pnet: PNet
    let rnet: RNet
    let onet: ONet

    /// Loads the three networks from `modelDirectory` (default: `ModelDirectory.locate()`).
    /// - Throws: `ModelNotFound` when no model folder is found; `NNError` naming
    ///   the file and the tensor when a weight file is missing, unreadable or does not fit.
    public init(modelDirectory: String? = nil, settings: Settings = Settings()) throws {
        let folder = try modelDirectory ?? ModelDirectory.locate()
        self.init(pnet: try PNet(path: folder + "/" + PNet.fileName), rnet: try RNet(path: folder + "/" + RNet.fileName),
                  onet: try ONet(path: folder + "/" + ONet.fileName), settings: settings)
    }

    /// A detector from networks already loaded.
    public init(pnet: PNet, rnet: RNet, onet: ONet, settings: Settings = Settings()) {
        self.pnet = pnet
        self.rnet = rnet
        self.onet = onet
        self.settings = settings
    }

    /// The faces in `image`, an 8-bit `.rgb` or `.rgbPlanar` image, largest box first.
    /// - Throws: `NNError.badInput` for a gray image.
    public func detect(_ image: PixelImage) throws(NNError) -> [FaceDetection] {
        var clock = StageClock(enabled: false)
        return try detect(image, clock: &clock)
    }

    /// `detect(_:)`, adding the time of each stage to `clock`.
    func detect(_ image: PixelImage, clock: inout StageClock) throws(NNError) -> [FaceDetection] {
        guard image.layout != .gray else {
            throw NNError(.badInput, "the face detector needs an RGB image (.rgb or .rgbPlanar), got a gray \(image.width)x\(image.height) image")
        }
        clock.start()
        let resizer = AreaResizer(image)
        clock.lap(.resize)
        let proposals = proposeFaces(resizer, clock: &clock)
        guard !proposals.isEmpty else { return [] }
        let refined = refineFaces(proposals, resizer, clock: &clock)
        guard !refined.isEmpty else { return [] }
        return finishFaces(refined, resizer, clock: &clock)
    }

    /// The pyramid's scales for an image of `height` x `width`: `m = 12 / minFaceSize`,
    /// then `m * factor^k` (by repeated multiplication, in double) while
    /// `min(height, width) * m * factor^k >= 12`.
    public static func pyramidScales(height: Int, width: Int, settings: Settings) -> [Double] {
        let m = 12.0 / Double(settings.minFaceSize)
        var smallest = Double(min(height, width)) * m
        var scale = m
        var scales: [Double] = []
        while smallest >= 12 {
            scales.append(scale)
            scale *= settings.factor
            smallest *= settings.factor
        }
        return scales
    }

    /// The size of the pyramid level at `scale`: `(Int(h * scale + 1), Int(w * scale + 1))`.
    public static func levelSize(height: Int, width: Int, scale: Double) -> (height: Int, width: Int) {
        (Int(Double(height) * scale + 1), Int(Double(width) * scale + 1))
    }
}
