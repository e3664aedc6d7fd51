import MienMedia
import MienNN

/// The YuNet-s face detector (libfacedetection, BSD-3-Clause): one pass of a
/// 54,608-parameter network over the whole image finds faces from about 10
/// to about 400 pixels, with a score and five landmarks each; on frames of
/// 480 lines or more a second pass on the frame shrunk finds larger ones
/// (`YuNetDetector+LargeFaces.swift`).
///
/// ```swift
/// let detector = try YuNetDetector()
/// let faces = try detector.detect(frame.image(PixelRequest(.rgb)))   // largest first
/// ```
/// The image's pixels (0...255, RGB) go in as they are, zero-padded at the
/// bottom and right to multiples of 32; `YuNetDecoder` turns the three
/// levels' outputs into faces. Weights and arithmetic are float32; the
/// network is `YuNetNetwork`. An instance holds only immutable weights, so one
/// can serve any number of threads.
public struct YuNetDetector: Sendable {
    /// The detector's settings.
    public struct Settings: Sendable, Equatable {
        /// Faces whose box is smaller than this on its longer side, in pixels, are dropped.
        public var minFaceSize: Int
        /// Lowest face score kept (0...1). The default 0.5 is measured (`mien bench
        /// detect` on labelled clips: 99.6% of the faces kept are real faces, 99.8% of
        /// the real ones are kept); libfacedetection itself keeps 0.2 and above, which
        /// lets about 6% false faces through (hands, hair, patterns), scored 0.2-0.5.
        public var scoreThreshold: Double
        /// IoU above which a lower-scored overlapping box is suppressed.
        public var nmsThreshold: Double

        /// Creates settings: `minFaceSize` at least 1, thresholds in [0, 1].
        public init(minFaceSize: Int = 10, scoreThreshold: Double = 0.5, nmsThreshold: Double = 0.45) {
            precondition(minFaceSize >= 1, "minimum face size must be at least 1 pixel, got \(minFaceSize)")
            precondition((0...1).contains(scoreThreshold) && (0...1).contains(nmsThreshold), "thresholds lie in [0, 1]")
            self.minFaceSize = minFaceSize
            self.scoreThreshold = scoreThreshold
            self.nmsThreshold = nmsThreshold
        }
    }

    /// The weight file's name in the model folder.
    public static let fileName = YuNetNetwork.fileName

    /// The settings in use.
    public var settings: Settings
    let network: YuNetNetwork

    /// Loads the network from `modelDirectory` (default: `ModelDirectory.locate()`).
    /// - Throws: `ModelNotFound` when no model folder is found; `NNError` naming
    ///   the file and the tensor when the weight file is missing, unreadable or does not fit.
    public init(modelDirectory: String? = nil, settings: Settings = Settings()) throws {
        let folder = try modelDirectory ?? ModelDirectory.locate()
        self.init(network: try YuNetNetwork(path: folder + "/" + YuNetNetwork.fileName), settings: settings)
    }

    init(network: YuNetNetwork, settings: Settings) {
        self.network = network
        self.settings = settings
    }

    var decoder: YuNetDecoder {
        YuNetDecoder(scoreThreshold: Float(settings.scoreThreshold), nmsThreshold: settings.nmsThreshold,
                     topK: 1000, keepTopK: 512)
    }

    /// The faces in `image`, an 8-bit `.rgb` or `.rgbPlanar` image, largest box first.
    /// - Throws: `NNError.badInput` for a gray or empty image.
    /// On a frame of 480 lines or more, a second pass on the frame shrunk
    /// finds the faces too large for one (see `joiningLargeFaces`).
    public func detect(_ image: PixelImage) throws(NNError) -> [FaceDetection] {
        try Self.check(image)
        var faces = decoder.faces(network.run(image))
        if let factor = Self.shrinkFactor(width: image.width, height: image.height) {
            let shrunk = decoder.faces(network.run(Self.shrunk(image, by: factor))).map { Self.enlarged($0, by: factor) }
            faces = Self.joiningLargeFaces(faces, shrunk)
        }
        let minSide = Double(settings.minFaceSize)
        return faces
            .filter { max($0.width, $0.height) >= minSide }
            .sorted { $0.area > $1.area }
    }

    /// The network input for `image`: `[1, 3, H', W']`, pixel values as floats in
    /// RGB planes, zero-padded at the bottom and right to `H'`, `W'`, the sides
    /// rounded up to multiples of 32.
    /// The detector itself never makes it: its first layers stream from the
    /// pixels (`YuNetNetwork.run`); tests and the layer-by-layer path take it.
    public static func input(_ image: PixelImage) throws(NNError) -> Tensor {
        try check(image)
        let (w, h) = (image.width, image.height)
        let pw = padded(w), ph = padded(h)
        var x = Tensor(shape: [1, 3, ph, pw])
        let planar = image.layout == .rgbPlanar
        x.data.withUnsafeMutableBufferPointer { out in
            image.pixels.withUnsafeBufferPointer { px in
                for c in 0..<3 {
                    for y in 0..<h {
                        let dst = out.baseAddress! + (c * ph + y) * pw
                        if planar {
                            let src = px.baseAddress! + (c * h + y) * w
                            for i in 0..<w { dst[i] = Float(src[i]) }
                        } else {
                            let src = px.baseAddress! + y * w * 3 + c
                            for i in 0..<w { dst[i] = Float(src[3 &* i]) }
                        }
                    }
                }
            }
        }
        return x
    }

    /// A side rounded up to a multiple of 32.
    static func padded(_ side: Int) -> Int { (side + 31) / 32 * 32 }

    /// Refuses images the detector cannot take.
    static func check(_ image: PixelImage) throws(NNError) {
        guard image.layout != .gray else {
            throw NNError(.badInput, "the face detector needs an RGB image (.rgb or .rgbPlanar), got a gray \(image.width)x\(image.height) image")
        }
        guard image.width > 0 && image.height > 0 else {
            throw NNError(.badInput, "the face detector got an empty \(image.width)x\(image.height) image")
        }
    }
}
