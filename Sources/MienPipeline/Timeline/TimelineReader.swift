import Foundation

/// Reads a timeline (`NAME.timeline.jsonl`) one record at a time, holding one
/// line in memory, for every command that reads timelines back (`mien export`,
/// and later `mien summarize`).
///
/// ```swift
/// let reader = try TimelineReader(path: "clip.timeline.jsonl")
/// while let record = try reader.next() { ... }
/// ```
/// Blank lines are skipped. A line that is not a record, or one longer than
/// `maxLineBytes`, is an error naming the file, the line number and the cause.
public final class TimelineReader {
    /// The file, for messages.
    public let path: String
    /// The longest line accepted: far above any real record (a frame with 1,000
    /// faces takes about 700 KB), so that a file without newlines cannot fill memory.
    public static let maxLineBytes = 16 << 20

    private let handle: FileHandle
    private let chunkBytes: Int
    private var buffer = Data()
    private var start = 0
    private var scanned = 0
    private var atEnd = false
    /// The line number (from 1, blank lines counted) of the record `next()` returned last; 0 before the first.
    public private(set) var lineNumber = 0
    private let decoder = JSONDecoder()

    /// Opens `path` for reading.
    /// - Throws: `AnalysisError.badTimeline` when the file is missing or unreadable.
    public convenience init(path: String) throws(AnalysisError) {
        try self.init(path: path, chunkBytes: 1 << 16)
    }

    /// Opens `path`, reading `chunkBytes` at a time (tests use small chunks).
    init(path: String, chunkBytes: Int) throws(AnalysisError) {
        self.path = path
        self.chunkBytes = max(1, chunkBytes)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw AnalysisError(.badTimeline, "\(path): no such file")
        }
        guard !isFolder.boolValue, let handle = FileHandle(forReadingAtPath: path) else {
            throw AnalysisError(.badTimeline, "\(path): cannot read it")
        }
        self.handle = handle
    }

    deinit { try? handle.close() }

    /// The next record, or nil at the end of the file.
    /// - Throws: `AnalysisError.badTimeline` naming the file, the line and the cause.
    public func next() throws(AnalysisError) -> FrameRecord? {
        while let line = try nextLine() {
            lineNumber += 1
            if let record = try Self.record(line, number: lineNumber, path: path, decoder: decoder) { return record }
        }
        return nil
    }

    /// Every record of `data`, the whole text of a timeline; `path` names it in messages.
    /// - Throws: `AnalysisError.badTimeline` naming the file, the line and the cause.
    public static func records(in data: Data, path: String) throws(AnalysisError) -> [FrameRecord] {
        let decoder = JSONDecoder()
        var records: [FrameRecord] = []
        for (number, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            guard line.count <= maxLineBytes else { throw tooLong(path: path, number: number + 1) }
            if let record = try record(Data(line), number: number + 1, path: path, decoder: decoder) { records.append(record) }
        }
        return records
    }

    /// The record on one line (without its newline), or nil for a blank line.
    static func record(_ line: Data, number: Int, path: String, decoder: JSONDecoder) throws(AnalysisError) -> FrameRecord? {
        if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { return nil }
        do { return try decoder.decode(FrameRecord.self, from: line) } catch {
            let reason = jsonProblem(in: line) ?? TimelineFile.describe(error)
            throw AnalysisError(.badTimeline, "\(path): line \(number) is not a timeline record: \(reason)")
        }
    }

    /// What `JSONDecoder` reports only as "not valid JSON", in words: where the
    /// JSON breaks off, or (for valid JSON) the field whose number its type
    /// cannot take (a fraction or a value past 64 bits for `frame` or `track`,
    /// a value past `Float` for probabilities). Nil when there is nothing to add.
    static func jsonProblem(in line: Data) -> String? {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: line) } catch {
            return ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String).map { "not JSON: \($0)" }
        }
        func visit(_ value: Any, _ path: [String]) -> String? {
            switch value {
            case let dictionary as [String: Any]:
                return dictionary.keys.sorted().lazy.compactMap { visit(dictionary[$0]!, path + [$0]) }.first
            case let array as [Any]:
                return array.indices.lazy.compactMap { visit(array[$0], path + [String($0)]) }.first
            case let number as NSNumber where !(number is Bool):
                let integral = ["frame", "track"].contains(path.last ?? "")
                let float = path.contains("probs") || path.last == "confidence"
                let fits = integral ? Int(number.description) != nil || Int(exactly: number.doubleValue) != nil
                    : number.doubleValue.isFinite && (!float || Float(number.doubleValue).isFinite)
                return fits ? nil : "\(path.joined(separator: ".")): \(number) does not fit "
                    + (integral ? "a 64-bit integer" : float ? "a 32-bit float" : "a double")
            default:
                return nil
            }
        }
        return visit(object, [])
    }

    /// The next line without its newline (the last one may lack it), or nil at the end.
    /// `buffer[start...]` holds what is read and not yet returned, of which
    /// `buffer[start..<scanned]` is known to hold no newline.
    private func nextLine() throws(AnalysisError) -> Data? {
        while true {
            if let newline = buffer[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Data(buffer[start..<newline])
                start = newline + 1
                scanned = start
                return line
            }
            scanned = buffer.count
            if buffer.count - start > Self.maxLineBytes { throw Self.tooLong(path: path, number: lineNumber + 1) }
            if atEnd {
                guard start < buffer.count else { return nil }
                defer { start = buffer.count; scanned = start }
                return Data(buffer[start...])
            }
            let chunk: Data?
            do { chunk = try handle.read(upToCount: chunkBytes) } catch {
                throw AnalysisError(.badTimeline, "\(path): cannot read it: \(error.localizedDescription)")
            }
            guard let chunk, !chunk.isEmpty else { atEnd = true; continue }
            buffer.removeSubrange(0..<start)
            scanned -= start
            start = 0
            buffer.append(chunk)
        }
    }

    private static func tooLong(path: String, number: Int) -> AnalysisError {
        AnalysisError(.badTimeline, "\(path): line \(number) is longer than \(maxLineBytes >> 20) MiB; not a timeline record")
    }
}
