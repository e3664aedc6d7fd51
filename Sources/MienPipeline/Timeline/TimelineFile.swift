import Foundation

/// Reads and writes `<name>.timeline.jsonl`: one `FrameRecord` per line.
public enum TimelineFile {
    /// The file's bytes: each record's `jsonLine()` and a newline.
    public static func data(_ records: [FrameRecord]) -> Data {
        var text = ""
        text.reserveCapacity(records.count * 256)
        for record in records {
            text += record.jsonLine()
            text += "\n"
        }
        return Data(text.utf8)
    }

    /// Reads a timeline back, every record at once (`TimelineReader` reads one at a time).
    /// - Throws: `AnalysisError.badTimeline` naming the file, the line and the cause.
    public static func read(_ path: String) throws(AnalysisError) -> [FrameRecord] {
        let reader = try TimelineReader(path: path)
        var records: [FrameRecord] = []
        while let record = try reader.next() { records.append(record) }
        return records
    }

    /// A decoding error in a sentence.
    static func describe(_ error: any Error) -> String {
        // An array position's key reads "Index 0" as a string: write it as "0", so paths read faces.0.box.
        let dotted = { (path: [any CodingKey]) in path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".") }
        switch error {
        case DecodingError.dataCorrupted(let c), DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            let path = dotted(c.codingPath)
            return path.isEmpty ? c.debugDescription : "\(path): \(c.debugDescription)"
        case DecodingError.keyNotFound(let key, let c):
            return "missing \(dotted(c.codingPath + [key]))"
        default:
            return "\(error)"
        }
    }
}
