import Foundation

/// Writes files so that a reader sees either the old file or the whole new
/// one, never a part: the data goes to a hidden temporary file in the same
/// folder, is flushed to disk, and is then renamed over the target
/// (`AtomicFileWriter` does it piece by piece).
public enum AtomicFile {
    /// Writes `data` to `path` atomically.
    /// - Throws: `AnalysisError.outputFailed` naming the file and the cause.
    public static func write(_ data: Data, to path: String) throws(AnalysisError) {
        let writer = try AtomicFileWriter(path: path)
        try writer.append(data)
        try writer.commit()
    }
}
