import Foundation
import MienFace
import MienNN
import MienMedia

/// Everything that decides what `mien analyze` computes for a video: the same
/// settings on the same video give the same timeline.
///
/// Job files (`Jobs/*.yaml`) and `meta.json` hold it in this form, every key
/// optional in a job file (defaults below):
/// ```yaml
/// fps: 5            # sampling rate, per second; omit (or null) for every frame
/// min_face: 20      # smallest face side searched for, displayed pixels
/// detector: mtcnn   # yunet | mtcnn
/// classifier: expression-net
/// precision: int8   # int8 | fp32; default: int8 where the classifier has it
/// smooth: "ema:0.5" # none | ema[:SECONDS] | window[:SECONDS] | hmm[:STICKINESS]
/// track_iou: 0.3    # least IoU to continue a track
/// track_max_gap: 1.0  # seconds a face may go unseen and keep its track
/// min_track_samples: 1  # faces of shorter tracks are left out of a video's timeline (1: keep all)
/// track_min_score: 0.5  # faces of tracks whose mean detection score is lower are left out
/// ```
public struct AnalysisSettings: Sendable, Hashable, Codable {
    /// Sampling rate in frames per second, or nil for every decoded frame.
    public var fps: Double?
    /// Smallest face side the detector searches for, in displayed pixels.
    public var minFace: Int
    /// Face detector.
    public var detector: DetectorKind
    /// Emotion classifier, by `ClassifierRegistry` name.
    public var classifier: String
    /// The classifier's arithmetic; nil: `defaultPrecision` for the classifier.
    public var precision: Precision?
    /// Temporal smoothing applied per track.
    public var smoothing: SmoothingMethod
    /// Track association settings.
    public var tracker: TrackerSettings
    /// A video's faces whose track has fewer samples than this are left out of its
    /// timeline (and counted as `transient_faces`): a detection seen once, with
    /// nothing before or after it, is often a false face (a hand, a pattern).
    /// Off (1) by default: measured on the labelled clips at 5 per second (each
    /// face's score >= 0.5, before `trackMinScore` existed), 2 took
    /// precision from 99.69% to 99.90% but recall from 99.75% to 88.5%, because
    /// small faces in a camera pan move farther than their size between samples
    /// and start a new track each time. An input of one record (an image) always
    /// keeps its faces.
    public var minTrackSamples: Int
    /// A video's faces whose track's mean detection score is below this are left
    /// out of its timeline (and counted as `transient_faces`). YuNet reports
    /// faces down to `candidateScore` (0.3), so a real face that scores low in a
    /// few frames (small, blurred, turned away) keeps its track, while a false
    /// face, which scores low in most frames it appears in, is left out. A track
    /// of one face (an image) is judged by that face's score alone, as a plain
    /// threshold would. Measured on the labelled clips at 5 per second (README,
    /// "Face detectors"): recall 99.75% -> 99.94% against a plain 0.5
    /// threshold, precision 99.69% -> 99.66%. MTCNN's faces score at least its
    /// last stage's 0.7, so for MTCNN this leaves nothing out at 0.5.
    public var trackMinScore: Double

    /// The score YuNet runs at in an analysis: its faces from this score on
    /// reach the tracker, and `trackMinScore` then judges whole tracks. At 0.3,
    /// 2.3% of YuNet's detections on the labelled clips are not faces, and no
    /// real face is lost to it that 0.25 would find but one.
    public static let candidateScore = 0.3

    /// Creates settings; the defaults are the product's defaults.
    public init(fps: Double? = nil, minFace: Int = 20, detector: DetectorKind = .default,
                classifier: String = ClassifierRegistry.defaultName, precision: Precision? = nil,
                smoothing: SmoothingMethod = .none, tracker: TrackerSettings = TrackerSettings(), minTrackSamples: Int = 1,
                trackMinScore: Double = 0.5) {
        self.fps = fps
        self.minFace = minFace
        self.detector = detector
        self.classifier = classifier
        self.precision = precision
        self.smoothing = smoothing
        self.tracker = tracker
        self.minTrackSamples = minTrackSamples
        self.trackMinScore = trackMinScore
    }

    /// int8 where the classifier has an int8 form (it measured within half a
    /// point of float32 on PublicTest, Models/README.md) and this CPU runs the
    /// int8 kernels fast (AVX-512 VNNI), else fp32: without VNNI the int8
    /// convolutions alone take longer than the whole float32 network.
    public static func defaultPrecision(for classifier: String) -> Precision {
        defaultPrecision(for: classifier, int8IsFast: QuantizedConv2D.hasVNNI)
    }

    /// The default on a CPU where the int8 kernels are fast (`int8IsFast`) or not.
    public static func defaultPrecision(for classifier: String, int8IsFast: Bool) -> Precision {
        int8IsFast && ClassifierRegistry.entries.first { $0.name == classifier }?.loadInt8 != nil ? .int8 : .fp32
    }

    /// The precision the classifier runs in: `precision`, or the classifier's default.
    public var resolvedPrecision: Precision { precision ?? Self.defaultPrecision(for: classifier) }

    /// Whether a track whose faces score `meanScore` on average is kept
    /// (`trackMinScore`); a face alone, as in an image, is a track of one.
    public func keepsTrack(meanScore: Double) -> Bool { meanScore >= trackMinScore }

    /// Why no face would keep its track from one sample to the next, or nil:
    /// samples further apart than `tracker.maxGap` (`fps` under 1 with the
    /// default 1 s) end every track after one face, so each face gets a new
    /// track at every sample, smoothing has nothing to smooth and
    /// `minTrackSamples` above 1 leaves every face out.
    public var trackingGapWarning: String? {
        guard let fps, 1 / fps > tracker.maxGap + TrackerSettings.timeTolerance else { return nil }
        func shown(_ value: Double) -> String { String(format: "%g", value) }
        return "samples are \(shown(1 / fps)) s apart (fps \(shown(fps))), more than track_max_gap "
            + "(\(shown(tracker.maxGap)) s): no face keeps its track from one sample to the next; "
            + "give --track-max-gap (or a job file's track_max_gap) \(shown(2 / fps)) or more to follow faces"
    }

    /// How frames are taken from the video.
    public var sampling: Sampling { fps.map { .grid(fps: $0) } ?? .everyFrame }

    /// Checks every value, naming the first bad one.
    /// - Throws: `AnalysisError.badSettings`.
    public func validate() throws(AnalysisError) {
        if let fps, !(fps > 0 && fps.isFinite && fps <= 1000) {
            throw AnalysisError(.badSettings, "fps must be a positive number of frames per second (at most 1000), got \(fps)")
        }
        let smallest = detector == .mtcnn ? 12 : 8
        if !(minFace >= smallest && minFace <= 10_000) {
            throw AnalysisError(.badSettings, "min_face must be between \(smallest) and 10000 pixels for \(detector.rawValue) "
                + "(\(detector == .mtcnn ? "MTCNN's smallest window is 12" : "YuNet's finest level has a stride of 8")), got \(minFace)")
        }
        if !ClassifierRegistry.names.contains(classifier) {
            throw AnalysisError(.badSettings,
                "unknown classifier \"\(classifier)\"; known: \(ClassifierRegistry.names.joined(separator: ", "))")
        }
        if resolvedPrecision == .int8 && Self.defaultPrecision(for: classifier, int8IsFast: true) != .int8 {
            throw AnalysisError(.badSettings, "classifier \"\(classifier)\" has no int8 form; use precision fp32")
        }
        do { try smoothing.validate() } catch { throw AnalysisError(.badSettings, error.message) }
        if !(tracker.iouThreshold > 0 && tracker.iouThreshold < 1) {
            throw AnalysisError(.badSettings, "track_iou must be between 0 and 1 (exclusive), got \(tracker.iouThreshold)")
        }
        if !(tracker.maxGap >= 0 && tracker.maxGap.isFinite) {
            throw AnalysisError(.badSettings, "track_max_gap must be a number of seconds >= 0, got \(tracker.maxGap)")
        }
        if !(minTrackSamples >= 1 && minTrackSamples <= 1000) {
            throw AnalysisError(.badSettings, "min_track_samples must be between 1 (keep every face) and 1000, got \(minTrackSamples)")
        }
        if !(trackMinScore >= 0 && trackMinScore <= 1) {
            throw AnalysisError(.badSettings, "track_min_score must be between 0 (keep every face) and 1, got \(trackMinScore)")
        }
    }

    enum CodingKeys: String, CodingKey {
        case fps, minFace = "min_face", detector, classifier, precision, smooth, trackIoU = "track_iou", trackMaxGap = "track_max_gap"
        case minTrackSamples = "min_track_samples", trackMinScore = "track_min_score"
    }

    /// Decodes settings; a missing key takes its default, an unknown key is an error
    /// (a typo in a job file must not be silently ignored).
    public init(from decoder: any Decoder) throws {
        let defaults = AnalysisSettings()
        let unknown = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
            .filter { CodingKeys(rawValue: $0) == nil }
        if let key = unknown.sorted().first {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "unknown setting \"\(key)\"; known: \(CodingKeys.allNames)"))
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        fps = try c.decodeIfPresent(Double.self, forKey: .fps)
        minFace = try c.decodeIfPresent(Int.self, forKey: .minFace) ?? defaults.minFace
        if let name = try c.decodeIfPresent(String.self, forKey: .detector) {
            guard let kind = DetectorKind(rawValue: name) else {
                throw DecodingError.dataCorruptedError(forKey: .detector, in: c,
                    debugDescription: "unknown detector \"\(name)\"; known: \(DetectorKind.names)")
            }
            detector = kind
        } else {
            detector = defaults.detector
        }
        classifier = try c.decodeIfPresent(String.self, forKey: .classifier) ?? defaults.classifier
        if let name = try c.decodeIfPresent(String.self, forKey: .precision) {
            guard let value = Precision(rawValue: name) else {
                throw DecodingError.dataCorruptedError(forKey: .precision, in: c,
                    debugDescription: "unknown precision \"\(name)\"; known: \(Precision.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            precision = value
        }
        if let text = try c.decodeIfPresent(String.self, forKey: .smooth) {
            do { smoothing = try SmoothingMethod(parsing: text) } catch {
                throw DecodingError.dataCorruptedError(forKey: .smooth, in: c, debugDescription: error.message)
            }
        } else {
            smoothing = defaults.smoothing
        }
        tracker = TrackerSettings(
            iouThreshold: try c.decodeIfPresent(Double.self, forKey: .trackIoU) ?? defaults.tracker.iouThreshold,
            maxGap: try c.decodeIfPresent(Double.self, forKey: .trackMaxGap) ?? defaults.tracker.maxGap)
        minTrackSamples = try c.decodeIfPresent(Int.self, forKey: .minTrackSamples) ?? defaults.minTrackSamples
        trackMinScore = try c.decodeIfPresent(Double.self, forKey: .trackMinScore) ?? defaults.trackMinScore
    }

    /// Encodes every setting (fps as null for every frame).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(fps, forKey: .fps)
        try c.encode(minFace, forKey: .minFace)
        try c.encode(detector, forKey: .detector)
        try c.encode(classifier, forKey: .classifier)
        try c.encode(resolvedPrecision, forKey: .precision)
        try c.encode(smoothing.description, forKey: .smooth)
        try c.encode(tracker.iouThreshold, forKey: .trackIoU)
        try c.encode(tracker.maxGap, forKey: .trackMaxGap)
        try c.encode(minTrackSamples, forKey: .minTrackSamples)
        try c.encode(trackMinScore, forKey: .trackMinScore)
    }
}

extension AnalysisSettings.CodingKeys: CaseIterable {
    static var allNames: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// A coding key for any name, to list the keys a container holds.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { self.stringValue = String(intValue); self.intValue = intValue }
}
