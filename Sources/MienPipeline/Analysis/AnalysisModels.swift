import MienFace
import MienMedia
import MienNN

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
    /// Where the classifier's weights come from (`provenance(of:)`), for `meta.json`.
    public let classifierProvenance: String?

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
            // The classifier from the same folder as the detector, also when `directory` names another.
            classifier = try ModelDirectory.withFolder(folder) {
                try ClassifierRegistry.load(settings.classifier, precision: settings.resolvedPrecision)
            }
        } catch {
            throw AnalysisError(.modelUnavailable, "cannot load the models: \(error)")
        }
        aligner = FaceAligner(template: .fer2013(for: settings.detector), size: classifier.alignedCropSide)
        classifierProvenance = Self.provenance(of: classifier.weightFile)
    }

    /// What a weight file says about where its weights come from: its
    /// `provenance` metadata (Mien's own models: config, run, epoch, commit),
    /// else its source package, version and source file digest (converted
    /// models); nil when it says neither. Timelines of different weights under
    /// one classifier name (expression-net was retrained) are told apart by it.
    static func provenance(of path: String) -> String? {
        guard let metadata = try? SafeTensorsFile(path: path).metadata else { return nil }
        if let provenance = metadata["provenance"], !provenance.isEmpty { return provenance }
        guard let package = metadata["source_package"], let version = metadata["source_version"] else { return nil }
        return "\(package) \(version)" + (metadata["source_file_sha256"].map { ", source file sha256 \($0)" } ?? "")
    }

    /// Model names and files, for `meta.json`.
    public var summary: ModelSummary {
        ModelSummary(
            detector: detectorKind.rawValue, detectorFiles: detectorKind.fileNames.map { directory + "/" + $0 },
            detectorSettings: detector.settingsSummary,
            classifier: classifier.name, classifierFile: classifier.weightFile, classifierProvenance: classifierProvenance,
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
    /// Where its weights come from (`AnalysisModels.provenance(of:)`); nil in
    /// timelines written before 2026-12-07 and for files that do not say.
    public var classifierProvenance: String? = nil
    /// Face alignment template name.
    public var alignment: String
    /// Side of the aligned gray crop, pixels: the classifier's input side (48 or 64).
    public var cropSize: Int

    enum CodingKeys: String, CodingKey {
        case detector, detectorFiles = "detector_files", detectorSettings = "detector_settings", classifier, classifierFile = "classifier_file"
        case classifierProvenance = "classifier_provenance"
        case alignment, cropSize = "crop_size"
    }
}
