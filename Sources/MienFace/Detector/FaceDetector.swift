import MienMedia
import MienNN

/// A face detector the analysis can run: `YuNetDetector` or `MTCNNDetector`.
/// Implementations hold only immutable weights, so one instance serves any
/// number of threads.
public protocol FaceDetector: Sendable {
    /// The faces in `image` (8-bit RGB, interleaved or planar), largest box first.
    func detect(_ image: PixelImage) throws(NNError) -> [FaceDetection]
    /// The settings that decide what it finds, by name, for `meta.json`.
    var settingsSummary: [String: Double] { get }
}

extension MTCNNDetector: FaceDetector {
    public var settingsSummary: [String: Double] {
        ["min_face": Double(settings.minFaceSize), "pnet_threshold": settings.thresholds[0],
         "rnet_threshold": settings.thresholds[1], "onet_threshold": settings.thresholds[2], "pyramid_factor": settings.factor]
    }
}

extension YuNetDetector: FaceDetector {
    public var settingsSummary: [String: Double] {
        ["min_face": Double(settings.minFaceSize), "score_threshold": settings.scoreThreshold, "nms_iou": settings.nmsThreshold]
    }
}

/// The detectors Mien ships, by the name used on the command line, in job
/// files and in `meta.json`.
public enum DetectorKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// YuNet-s (libfacedetection, 2023): one pass over the whole image.
    case yunet
    /// MTCNN (facenet-pytorch): an image pyramid and a three-network cascade.
    case mtcnn

    /// The default detector: YuNet, about 9 times MTCNN's speed on 1080p
    /// classroom frames at the same precision and recall (README, "Face detectors").
    public static let `default`: DetectorKind = .yunet

    /// Every name, comma-separated, for help texts and errors.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// The weight files, relative to the model folder.
    public var fileNames: [String] {
        switch self {
        case .yunet: [YuNetDetector.fileName]
        case .mtcnn: [PNet.fileName, RNet.fileName, ONet.fileName]
        }
    }

    /// Loads this detector from `modelDirectory` (nil: `ModelDirectory.locate()`)
    /// for faces of at least `minFaceSize` pixels. `yunetScoreThreshold` replaces
    /// YuNet's default score threshold (analyses, which judge whole tracks, and
    /// benchmarks that sweep thresholds); MTCNN's
    /// thresholds are its cascade's own and stay.
    /// - Throws: `ModelNotFound` or `NNError` naming the file and the cause.
    public func load(modelDirectory: String? = nil, minFaceSize: Int, yunetScoreThreshold: Double? = nil) throws -> any FaceDetector {
        switch self {
        case .yunet:
            try YuNetDetector(modelDirectory: modelDirectory,
                              settings: .init(minFaceSize: minFaceSize,
                                              scoreThreshold: yunetScoreThreshold ?? YuNetDetector.Settings().scoreThreshold))
        case .mtcnn: try MTCNNDetector(modelDirectory: modelDirectory, settings: .init(minFaceSize: minFaceSize))
        }
    }
}
