import Foundation

/// A temporary folder of one test suite instance (`NAME-PID-RANDOM` under the
/// system's temporary folder), removed with it, and the files tests write into it.
public final class ScratchFolder: Sendable {
    /// The folder's path.
    public let path: String

    /// Creates the folder; `name` says whose it is (e.g. `mien-render`).
    public init(_ name: String) throws {
        path = NSTemporaryDirectory() + "\(name)-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` to `name` (relative to the folder; its own folders must exist) and returns the file's path.
    @discardableResult
    public func write(_ text: String, _ name: String) throws -> String {
        let file = path + "/" + name
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }
}
