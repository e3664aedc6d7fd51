import Foundation

/// `AtomicFile` for files written piece by piece: text is appended (and
/// written out in chunks of about a megabyte) to a hidden temporary file in
/// the target's folder; `commit()` flushes it to disk and renames it over the
/// target, `discard()` (or deinitialising without a commit) removes it. A
/// reader sees the old file or the whole new one, never a part, and the
/// writer's memory does not grow with the file.
public final class AtomicFileWriter {
    /// The file being written.
    public let path: String
    private let temporary: String
    private var handle: FileHandle?
    private var buffer = Data()
    private static let chunkBytes = 1 << 20

    /// Removes the temporary files that writers of processes no longer
    /// running left in `folder` (`.NAME.tmp-PID`: a run killed, or stopped by
    /// a second Ctrl-C, while it wrote a timeline); those of live processes
    /// (another run writing there now) are left alone. Returns the paths removed.
    @discardableResult
    public static func removeAbandoned(in folder: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var removed: [String] = []
        for name in names where name.hasPrefix(".") {
            guard let mark = name.range(of: ".tmp-", options: .backwards), let pid = pid_t(name[mark.upperBound...]), pid > 0,
                  kill(pid, 0) != 0, errno == ESRCH else { continue }
            let path = folder + "/" + name
            if (try? FileManager.default.removeItem(atPath: path)) != nil { removed.append(path) }
        }
        return removed
    }

    /// Opens the temporary file.
    /// - Throws: `AnalysisError.outputFailed` naming the file and the cause.
    public init(path: String) throws(AnalysisError) {
        self.path = path
        let url = URL(fileURLWithPath: path)
        temporary = url.deletingLastPathComponent().path + "/." + url.lastPathComponent + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
              let handle = FileHandle(forWritingAtPath: temporary) else {
            throw AnalysisError(.outputFailed, "\(path): cannot create \(temporary) (does the folder exist and is it writable?)")
        }
        self.handle = handle
        buffer.reserveCapacity(Self.chunkBytes + 4096)
    }

    deinit { if handle != nil { discard() } }

    /// Appends text.
    public func append(_ text: String) throws(AnalysisError) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= Self.chunkBytes { try flush() }
    }

    /// Appends bytes.
    public func append(_ data: Data) throws(AnalysisError) {
        buffer.append(data)
        if buffer.count >= Self.chunkBytes { try flush() }
    }

    /// Writes out what is buffered, syncs, and moves the file into place.
    public func commit() throws(AnalysisError) {
        guard let handle else { return }
        do {
            try flush()
            try handle.synchronize()
            try handle.close()
        } catch let error as AnalysisError {
            discard()
            throw error
        } catch {
            discard()
            throw AnalysisError(.outputFailed, "\(path): writing failed: \(error.localizedDescription)")
        }
        self.handle = nil
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw AnalysisError(.outputFailed, "\(path): cannot move the finished file into place: \(reason)")
        }
    }

    /// Removes the temporary file; the target is left as it was.
    public func discard() {
        try? handle?.close()
        handle = nil
        try? FileManager.default.removeItem(atPath: temporary)
    }

    private func flush() throws(AnalysisError) {
        guard let handle, !buffer.isEmpty else { return }
        do { try handle.write(contentsOf: buffer) } catch {
            discard()
            throw AnalysisError(.outputFailed, "\(path): writing failed: \(error.localizedDescription)")
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
