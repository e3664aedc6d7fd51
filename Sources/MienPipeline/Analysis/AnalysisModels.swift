import MienFace
import MienMedia

/// The networks an analysis uses, loaded once and shared by every thread
/// (all are immutable after loading).
public struct AnalysisModels: Sendable {
    /// Face and landmark detector.
    public let detector: any FaceDetector
    /// Which detector that is.
    public let detectorKind: DetectorKind
    /// Emotion classifier.
    public let classifier: any EmotionClassifier
    /// Maps a face's landmarks to the crop the classifier was trained on.
    public let aligner: FaceAligner
    /// The folder the weights came from.
    public let directory: String

    /// Loads the detector and the classifier `settings` name. YuNet runs at
    /// `AnalysisSettings.candidateScore`: the timeline keeps a face by its
    /// track's mean score (`trackMinScore`), not by the face's own.
    /// - Parameter directory: the model folder; nil finds it (`ModelDirectory.locate()`).
    /// - Throws: `AnalysisError.modelUnavailable` naming the file and the cause.
    public init(settings: AnalysisSettings, directory: String? = nil) throws(AnalysisError) {
        do {
            let folder = try directory ?? ModelDirectory.locate()
            self.directory = folder
            detector = try settings.detector.load(modelDirectory: folder, minFaceSize: settings.minFace,
                                                  yunetScoreThreshold: AnalysisSettings.candidateScore)
            detectorKind = settings.detector
            classifier = try ClassifierRegistry.load(settings.classifier, precision: settings.resolvedPrecision)
        } catch {
            throw AnalysisError(.modelUnavailable, "cannot load the models: \(error)")
        }
        aligner = FaceAligner(template: .fer2013(for: settings.detector), size: classifier.alignedCropSide)
    }

    /// Model names and files, for `meta.json`.
    public var summary: ModelSummary {
        ModelSummary(
            detector: detectorKind.rawValue, detectorFiles: detectorKind.fileNames.map { directory + "/" + $0 },
            detectorSettings: detector.settingsSummary,
            classifier: classifier.name, classifierFile: classifier.weightFile,
            alignment: aligner.template.name, cropSize: aligner.size)
    }
}

/// Which models made a timeline.
public struct ModelSummary: Sendable, Hashable, Codable {
    /// Detector name (`yunet` or `mtcnn`).
    public var detector: String
    /// Its weight files.
    public var detectorFiles: [String]
    /// Its own settings (minimum face, thresholds), by name.
    public var detectorSettings: [String: Double]
    /// Classifier registry name.
    public var classifier: String
    /// Its weight file.
    public var classifierFile: String
    /// Face alignment template name.
    public var alignment: String
    /// Side of the aligned gray crop, pixels: the classifier's input side (48 or 64).
    public var cropSize: Int

    enum CodingKeys: String, CodingKey {
        case detector, detectorFiles = "detector_files", detectorSettings = "detector_settings", classifier, classifierFile = "classifier_file"
        case alignment, cropSize = "crop_size"
    }
}
