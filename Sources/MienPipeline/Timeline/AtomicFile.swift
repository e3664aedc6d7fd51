import Foundation

/// Writes files so that a reader sees either the old file or the whole new
/// one, never a part: the data goes to a hidden temporary file in the same
/// folder, is flushed to disk, and is then renamed over the target.
public enum AtomicFile {
    /// Writes `data` to `path` atomically.
    /// - Throws: `AnalysisError.outputFailed` naming the file and the cause.
    public static func write(_ data: Data, to path: String) throws(AnalysisError) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let temporary = folder + "/." + url.lastPathComponent + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
            throw AnalysisError(.outputFailed, "\(path): cannot create \(temporary) (does the folder exist and is it writable?)")
        }
        do {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw AnalysisError(.outputFailed, "\(path): writing failed: \(error.localizedDescription)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw AnalysisError(.outputFailed, "\(path): cannot move the finished file into place: \(reason)")
        }
    }
}
