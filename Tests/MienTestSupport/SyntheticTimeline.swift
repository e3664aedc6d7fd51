import Foundation

/// Hand-made timelines and meta files (`Jobs/schema/`) for the tests of
/// `mien summarize` and `mien report`, written as text so that any test target can use them.
public enum SyntheticTimeline {
    /// The seven emotions in the timeline's order.
    public static let emotions = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]

    /// Probabilities with `main` at `p` and the rest sharing `1 - p` equally.
    public static func probs(_ main: String, _ p: Double = 0.7) -> [Double] {
        emotions.map { $0 == main ? p : (1 - p) / 6 }
    }

    /// One face, as JSON.
    public static func face(track: Int, box: [Double], score: Double = 0.9, probs: [Double], smoothed: [Double]? = nil) -> String {
        func object(_ p: [Double]) -> String {
            "{" + zip(emotions, p).map { "\"\($0)\":\($1)" }.joined(separator: ",") + "}"
        }
        func argmax(_ p: [Double]) -> Int { p.indices.max { p[$0] < p[$1] || (p[$0] == p[$1] && $0 > $1) }! }
        let x = box[0], y = box[1], w = box[2], h = box[3]
        let landmarks = [[x + 0.3 * w, y + 0.4 * h], [x + 0.7 * w, y + 0.4 * h], [x + 0.5 * w, y + 0.6 * h],
                         [x + 0.35 * w, y + 0.8 * h], [x + 0.65 * w, y + 0.8 * h]]
        var text = "{\"track\":\(track),\"box\":\(box),\"score\":\(score),\"landmarks\":\(landmarks),"
            + "\"emotion\":\"\(emotions[argmax(probs)])\",\"confidence\":\(probs[argmax(probs)]),\"probs\":\(object(probs))"
        if let smoothed { text += ",\"smoothed\":{\"emotion\":\"\(emotions[argmax(smoothed)])\",\"probs\":\(object(smoothed))}" }
        return text + "}"
    }

    /// One line (record) of a timeline, with its newline.
    public static func line(t: Double, frame: Int?, faces: [String], status: String = "ok") -> String {
        let frameText = frame.map(String.init) ?? "null"
        let error = status == "undecodable" || status == "failed" ? ",\"error\":\"synthetic\"" : ""
        return "{\"t\":\(t),\"frame\":\(frameText),\"frame_t\":\(frame == nil ? "null" : "\(t)"),\"status\":\"\(status)\"\(error),"
            + "\"faces\":[\(faces.joined(separator: ","))]}\n"
    }

    /// A meta file for a timeline of `records` lines with `faces` faces in `tracks` tracks.
    public static func meta(name: String, input: String, width: Int, height: Int, duration: Double, fps: Double?,
                            smooth: String, records: Int, faces: Int, tracks: Int, status: String = "complete",
                            error: (code: String, message: String)? = nil) -> String {
        let errorText = error.map { "{\"code\":\"\($0.code)\",\"message\":\"\($0.message)\"}" } ?? "null"
        let probe = status == "failed" && width == 0 ? "null"
            : "{\"width\":\(width),\"height\":\(height),\"duration\":\(duration),\"fps\":\(fps.map { "\($0)" } ?? "null")}"
        return """
            {"schema":"mien.timeline","schema_version":1,"generator":"mien test","input":{"path":"\(input)","absolute_path":"\(input)","bytes":null},
            "timeline":\(status == "failed" ? "null" : "\"\(name).timeline.jsonl\""),"status":"\(status)","error":\(errorText),"probe":\(probe),
            "settings":{"fps":\(fps.map { "\($0)" } ?? "null"),"smooth":"\(smooth)"},
            "counts":{"records":\(records),"faces":\(faces),"tracks":\(tracks)}}

            """
    }

    /// The timeline whose summary the tests know: 10 lines at 2 per second (t = 0 ... 4.5).
    /// Track 0 is on every line: happy (0.7) on the first six, sad (0.7) on the last four, smoothed
    /// to happy (0.6) throughout. Track 1 is neutral (0.7) on lines 2 to 5 (t = 1 ... 2.5), smoothed to neutral (0.6).
    public static let knownAnswer: String = (0..<10).map { i in
        var faces = [face(track: 0, box: [10, 10, 40, 40], probs: probs(i < 6 ? "happy" : "sad"), smoothed: probs("happy", 0.6))]
        if (2...5).contains(i) { faces.append(face(track: 1, box: [60, 10, 40, 40], probs: probs("neutral"), smoothed: probs("neutral", 0.6))) }
        return line(t: Double(i) * 0.5, frame: i, faces: faces)
    }.joined()

    /// `knownAnswer`'s meta file.
    public static func knownAnswerMeta(name: String) -> String {
        meta(name: name, input: "/nonexistent/\(name).mp4", width: 160, height: 120, duration: 5, fps: 2,
             smooth: "ema:1", records: 10, faces: 14, tracks: 2)
    }
}
