import Foundation

/// The folder every input of a job submitted over HTTP must stay inside.
///
/// An input is a path relative to the root (or an absolute path inside it).
/// Refused with 400: an empty path, a NUL byte, a `..` component, a path that
/// does not exist. Refused with 403: an absolute path outside the root, and a
/// path that leads outside it once symbolic links are followed (the check is
/// on the resolved path, so a link inside the root that points out is
/// caught, and so is every file found under a folder input).
public struct InputRoot: Sendable {
    /// The root as configured, absolute and without `.` or trailing `/`:
    /// inputs are given to the planner under this path, so a job submitted
    /// over HTTP is the same job as `mien submit` of the same absolute paths.
    public let path: String
    /// The root with every symbolic link resolved.
    let resolved: String

    /// Checks that `path` is a folder.
    /// - Throws: `ServerSetupError` when it is not.
    public init(_ path: String) throws {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isFolder), isFolder.boolValue,
              let resolved = Self.realPath(absolute)
        else { throw ServerSetupError("\(path): the input root is not a folder") }
        self.path = absolute
        self.resolved = resolved
    }

    /// The absolute path of `input` (under `path`), checked as described above.
    /// - Throws: `APIError` (400 or 403) naming the input as the client gave it.
    public func locate(_ input: String) throws(APIError) -> String {
        let shown = input.count > 200 ? String(input.prefix(200)) + "..." : input
        guard !input.isEmpty, !input.utf8.contains(0) else { throw APIError(.badRequest, "an input is empty or holds a NUL byte") }
        let parts = input.split(separator: "/", omittingEmptySubsequences: true)
        if parts.contains("..") { throw APIError(.badRequest, "\(shown): inputs may not contain '..'") }
        let kept = parts.filter { $0 != "." }.joined(separator: "/")
        var joined: String
        if input.hasPrefix("/") {
            joined = "/" + kept
            guard joined == path || joined.hasPrefix(path == "/" ? "/" : path + "/") else {
                throw APIError(.forbidden, "\(shown): an absolute input must be inside the input root")
            }
        } else {
            joined = kept.isEmpty ? path : (path == "/" ? "/" : path + "/") + kept
        }
        guard let real = Self.realPath(joined) else { throw APIError(.badRequest, "\(shown): no such file or folder under the input root") }
        guard contains(resolvedPath: real) else {
            throw APIError(.forbidden, "\(shown): leads outside the input root (through a symbolic link)")
        }
        if joined.count > 1 && joined.hasSuffix("/") { joined.removeLast() }
        return joined
    }

    /// Checks that a file found under a folder input, once its links are
    /// followed, is still inside the root.
    /// - Throws: `APIError` 403 naming the file relative to the root.
    public func check(found file: String) throws(APIError) {
        guard let real = Self.realPath(file), contains(resolvedPath: real) else {
            throw APIError(.forbidden, "\(relative(file)): leads outside the input root (through a symbolic link)")
        }
    }

    /// `file` relative to the root (for messages), or its last component.
    public func relative(_ file: String) -> String {
        let prefix = path == "/" ? "/" : path + "/"
        return file.hasPrefix(prefix) ? String(file.dropFirst(prefix.count)) : (file as NSString).lastPathComponent
    }

    /// `text` with every mention of the root's path taken out, for messages to clients.
    public func redact(_ text: String) -> String {
        text.replacingOccurrences(of: path + "/", with: "").replacingOccurrences(of: resolved + "/", with: "")
    }

    func contains(resolvedPath real: String) -> Bool {
        real == resolved || real.hasPrefix(resolved == "/" ? "/" : resolved + "/")
    }

    /// The path with every symbolic link resolved, or nil when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
