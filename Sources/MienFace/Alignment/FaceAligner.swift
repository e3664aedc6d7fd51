import MienMedia

/// Cuts an upright, canonical face crop out of a gray frame from the face's
/// five MTCNN landmarks, for the emotion classifier.
///
/// ```swift
/// let aligner = FaceAligner()                                   // .fer2013, 48 x 48
/// let crop = try aligner.crop(grayFrame, landmarks: face.landmarks)
/// let probabilities = try classifier.classify(faces: [crop])
/// ```
/// The aligner fits the least-squares similarity transform (rotation, uniform
/// scale, translation; `SimilarityTransform.fit`) that takes the landmarks to
/// the template's positions in the crop, and resamples the frame through it
/// (`SimilarityWarp`): bilinear, with the frame's border replicated where the
/// crop reaches past it, and anti-aliased when the face is shrunk (by default
/// supersampled, see `Sampling`). A crop costs
/// about `size²` samples plus the face's own pixels once; nothing else of the
/// frame is touched. An aligner holds only its settings and can be shared.
public struct FaceAligner: Sendable {
    /// How crop pixels are computed from the frame when the face is shrunk
    /// (`s` = frame pixels per crop pixel).
    public enum Sampling: String, Sendable, Hashable, Codable, CaseIterable {
        /// One bilinear sample per crop pixel: aliases when `s` is above about 2.
        case bilinear
        /// `ceil(s) x ceil(s)` bilinear samples spread over each crop pixel, averaged.
        case supersampled
        /// When `s >= 2`, the neighbourhood of the face is box-averaged in
        /// `floor(s) x floor(s)` blocks first, then sampled bilinearly.
        case areaReduced = "area"
    }

    /// Where the landmarks go.
    public let template: FaceTemplate
    /// Side of the square crop in pixels.
    public let size: Int
    /// The resampling.
    public let sampling: Sampling

    /// An aligner producing `size` x `size` crops laid out as `template`.
    public init(template: FaceTemplate = .fer2013, size: Int = 48, sampling: Sampling = .supersampled) {
        precondition(size > 0, "crop size must be positive, got \(size)")
        self.template = template
        self.size = size
        self.sampling = sampling
    }

    /// The transform from image pixel coordinates to crop pixel coordinates that
    /// puts `landmarks` (MTCNN's five, in image pixels) on the template, least
    /// squares. Its `inverse` maps crop pixels back to the image.
    /// - Throws: `ClassifierError.badLandmarks` unless there are exactly five
    ///   finite landmarks that do not all coincide.
    public func transform(landmarks: [FaceDetection.Point]) throws(ClassifierError) -> SimilarityTransform {
        guard landmarks.count == template.points.count else {
            throw ClassifierError(.badLandmarks,
                "the aligner takes MTCNN's \(template.points.count) landmarks (eyes, nose, mouth corners), got \(landmarks.count)")
        }
        return try SimilarityTransform.fit(from: landmarks, to: template.pixelPoints(size: size))
    }

    /// The aligned `size` x `size` gray crop of the face with `landmarks` in `image`.
    /// - Throws: `ClassifierError.badFace` when `image` is not gray or is empty;
    ///   `ClassifierError.badLandmarks` as `transform(landmarks:)`.
    public func crop(_ image: PixelImage, landmarks: [FaceDetection.Point]) throws(ClassifierError) -> PixelImage {
        guard image.layout == .gray, image.width > 0, image.height > 0 else {
            throw ClassifierError(.badFace,
                "the aligner takes a non-empty gray frame, got \(image.width)x\(image.height) \(image.layout)")
        }
        let toCrop = try transform(landmarks: landmarks)
        return SimilarityWarp.warp(image, cropToImage: toCrop.inverse, size: size, sampling: sampling)
    }
}
