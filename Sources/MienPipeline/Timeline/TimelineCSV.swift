import MienFace

/// Flattens a timeline to CSV: one row per face per timestamp, and one row
/// (face columns empty) for a timestamp without faces, so that every
/// timestamp stays visible. Columns:
///
/// `t, frame, frame_t, status, track, x, y, w, h, score, emotion, confidence,
/// p_angry ... p_neutral`, then `smoothed_emotion, s_angry ... s_neutral`
/// when any face is smoothed, then the landmarks `left_eye_x, left_eye_y,
/// right_eye_x, ..., mouth_right_y`.
public enum TimelineCSV {
    /// Landmark names in MTCNN order.
    public static let landmarkNames = ["left_eye", "right_eye", "nose", "mouth_left", "mouth_right"]

    /// The header row's column names for a timeline with or without smoothing.
    public static func columns(smoothed: Bool) -> [String] {
        var columns = ["t", "frame", "frame_t", "status", "track", "x", "y", "w", "h", "score", "emotion", "confidence"]
        columns += Emotion.allCases.map { "p_" + $0.rawValue }
        if smoothed { columns += ["smoothed_emotion"] + Emotion.allCases.map { "s_" + $0.rawValue } }
        columns += landmarkNames.flatMap { [$0 + "_x", $0 + "_y"] }
        return columns
    }

    /// The whole CSV text, header first, lines ending in `\n`.
    public static func text(_ records: [FrameRecord]) -> String {
        let smoothed = records.contains { $0.faces.contains { $0.smoothed != nil } }
        var out = header(smoothed: smoothed)
        for record in records { out += rows(record, smoothed: smoothed) }
        return out
    }

    /// The header line (with its `\n`). `smoothed`: whether any face of the
    /// timeline is smoothed (a streaming writer finds out in a first pass).
    public static func header(smoothed: Bool) -> String {
        columns(smoothed: smoothed).joined(separator: ",") + "\n"
    }

    /// One record's lines: one per face, or one with the face columns empty.
    public static func rows(_ record: FrameRecord, smoothed: Bool) -> String {
        let width = columns(smoothed: smoothed).count
        let lead = [JSONLine.number(record.t, decimals: FrameRecord.timeDecimals),
                    record.frame.map(String.init) ?? "",
                    record.frameTime.map { JSONLine.number($0, decimals: FrameRecord.timeDecimals) } ?? "",
                    record.status.rawValue]
        if record.faces.isEmpty {
            return (lead + Array(repeating: "", count: width - lead.count)).joined(separator: ",") + "\n"
        }
        var out = ""
        for face in record.faces {
            var row = lead + [String(face.track)]
            row += face.box.map { JSONLine.number($0, decimals: FrameRecord.pixelDecimals) }
            row += [JSONLine.number(face.score, decimals: FrameRecord.scoreDecimals), face.emotion.rawValue,
                    JSONLine.number(face.confidence)]
            row += face.probs.map { JSONLine.number($0) }
            if smoothed {
                if let s = face.smoothed {
                    row += [s.emotion.rawValue] + s.probs.map { JSONLine.number($0) }
                } else {
                    row += Array(repeating: "", count: 1 + Emotion.allCases.count)
                }
            }
            row += face.landmarks.flatMap { $0.map { JSONLine.number($0, decimals: FrameRecord.pixelDecimals) } }
            out += row.joined(separator: ",") + "\n"
        }
        return out
    }
}
