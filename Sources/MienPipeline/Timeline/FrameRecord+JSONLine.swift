import MienFace

extension FrameRecord {
    /// Decimal places of times (microseconds), of pixel coordinates, and of detector scores.
    static let timeDecimals = 6, pixelDecimals = 2, scoreDecimals = 5

    /// The record as one line of JSON (no newline), fields in schema order:
    /// `t, frame, frame_t, status, [error,] faces`.
    public func jsonLine() -> String {
        var line = JSONLine()
        line.add("t", t, decimals: Self.timeDecimals)
        if let frame { line.add("frame", frame) } else { line.addNull("frame") }
        if let frameTime { line.add("frame_t", frameTime, decimals: Self.timeDecimals) } else { line.addNull("frame_t") }
        line.add("status", status.rawValue)
        if let error { line.add("error", error) }
        line.add("faces", json: JSONLine.array(faces.map { $0.jsonObject() }))
        return line.object
    }
}

extension FaceRecord {
    /// The face as a JSON object, fields in schema order.
    func jsonObject() -> String { jsonObject(track: true) }

    /// The face of a single image (`POST /v1/predict`): the timeline's fields
    /// and order, written the same way, without `track` (an image has no tracks).
    public func imageJSONObject() -> String { jsonObject(track: false) }

    func jsonObject(track includeTrack: Bool) -> String {
        var object = JSONLine()
        if includeTrack { object.add("track", track) }
        object.add("box", json: JSONLine.array(box.map { JSONLine.number($0, decimals: FrameRecord.pixelDecimals) }))
        object.add("score", score, decimals: FrameRecord.scoreDecimals)
        object.add("landmarks", json: JSONLine.array(landmarks.map { point in
            JSONLine.array(point.map { JSONLine.number($0, decimals: FrameRecord.pixelDecimals) })
        }))
        object.add("emotion", emotion.rawValue)
        object.add("confidence", confidence)
        object.add("probs", json: FaceRecord.probabilityObject(probs))
        if let smoothed {
            var inner = JSONLine()
            inner.add("emotion", smoothed.emotion.rawValue)
            inner.add("probs", json: FaceRecord.probabilityObject(smoothed.probs))
            object.add("smoothed", json: inner.object)
        }
        return object.object
    }

    /// `{"angry": p0, ..., "neutral": p6}` in `Emotion.allCases` order.
    static func probabilityObject(_ probs: [Float]) -> String {
        var object = JSONLine()
        for (emotion, p) in zip(Emotion.allCases, probs) { object.add(emotion.rawValue, p) }
        return object.object
    }
}
