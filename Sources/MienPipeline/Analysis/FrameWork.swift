import MienFace
import MienMedia

/// One sampled timestamp on its way through the stages: each stage fills in
/// its part, and `record(tracks:)` turns it into a timeline record.
struct FrameWork: Sendable {
    /// The timestamp (grid time, or the frame's own time).
    let t: Double
    /// Index of the decoded frame in presentation order, when known.
    let frame: Int?
    /// The decoded frame's own time.
    let frameTime: Double?
    /// `ok`, `damaged`, or what went wrong.
    var status: FrameStatus
    /// Whether the frame is before the shard's range: detected and tracked, not recorded.
    var isWarmUp = false
    /// Why the frame failed, for `failed` and `undecodable`.
    var error: String?
    /// The upright frame, RGB, for the detector.
    var rgb: PixelImage?
    /// The upright frame, gray, for the aligner.
    var gray: PixelImage?
    /// Detected faces, largest first.
    var detections: [FaceDetection] = []
    /// One aligned crop per detection.
    var crops: [PixelImage] = []
    /// One probability vector per detection, in `Emotion.allCases` order.
    var probs: [[Float]] = []
    /// One shard-local track id per detection.
    var tracks: [Int] = []
    /// The factors from the frame's own pixels to the stream's displayed ones,
    /// when they differ (the resolution changed mid-stream); `toStreamPixels()` applies them.
    var streamScale: (x: Double, y: Double)?

    /// Moves the detections from the frame's own pixels to the stream's (after
    /// alignment, which crops from the frame's own pixels; before tracking,
    /// which compares boxes across frames).
    mutating func toStreamPixels() {
        guard let (x, y) = streamScale else { return }
        detections = detections.map { $0.scaled(x: x, y: y) }
        streamScale = nil
    }

    /// Whether the stages should look at this frame.
    var isAnalysable: Bool { status == .ok || status == .damaged }

    /// Marks the frame failed: faces are dropped, the reason kept.
    mutating func fail(_ reason: String) {
        status = .failed
        error = reason
        detections = []
        crops = []
        probs = []
        tracks = []
    }

    /// The finished record, faces in track order; pixel buffers are not kept.
    func record() -> FrameRecord {
        var faces: [FaceRecord] = []
        if isAnalysable {
            for i in detections.indices {
                let d = detections[i]
                faces.append(FaceRecord(
                    track: tracks[i], box: [d.x1, d.y1, d.width, d.height], score: d.score,
                    landmarks: d.landmarks.map { [$0.x, $0.y] }, probs: probs[i]))
            }
        }
        faces.sort { $0.track < $1.track }
        return FrameRecord(t: t, frame: frame, frameTime: frameTime, status: status, faces: faces, error: error)
    }
}
