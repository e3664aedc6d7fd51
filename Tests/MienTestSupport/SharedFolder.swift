import Foundation
import Testing

/// The workspace's shared folder beside the repository (`../shared`: real media,
/// FER-2013), which the opt-in suites use. It is not the project's, so those
/// suites skip, with a message, where it is absent; where it is there they run,
/// and a file they need that is missing or unreadable fails them: they never
/// skip silently. `MIEN_REQUIRE_SHARED=1` (which `scripts/test.sh`, and so CI,
/// sets whenever `../shared` exists) makes them run, and fail, even when the
/// tests cannot see the folder.
public enum SharedFolder {
    /// `$MIEN_SHARED` if set, else `../shared` beside the repository.
    public static let root: String = {
        if let root = ProcessInfo.processInfo.environment["MIEN_SHARED"] { return root }
        let repository = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return repository.deletingLastPathComponent().appendingPathComponent("shared").path
    }()

    /// Whether the folder is there.
    public static var present: Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: root, isDirectory: &isFolder) && isFolder.boolValue
    }

    /// Whether `MIEN_REQUIRE_SHARED=1` says the folder must be there.
    public static var required: Bool { ProcessInfo.processInfo.environment["MIEN_REQUIRE_SHARED"] == "1" }

    /// Whether the suites that use the folder run: it is there, or it is required.
    public static var inUse: Bool { present || required }

    /// Why those suites skip when it is not in use.
    public static func skipReason(_ what: String) -> String {
        "\(what) not found: \(root) is absent (set MIEN_SHARED to the shared folder; MIEN_REQUIRE_SHARED=1 makes this a failure)"
    }

    /// `path`, after recording an issue, which fails the running test, when the
    /// file is missing or unreadable (or not a file when `folder` is false).
    public static func checked(_ path: String, folder: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
        let why: String? = if !exists {
            present ? "is missing" : "is missing: \(root) is absent, and MIEN_REQUIRE_SHARED=1 requires it"
        } else if isFolder.boolValue != folder {
            folder ? "is not a folder" : "is a folder, not a file"
        } else if !FileManager.default.isReadableFile(atPath: path) {
            "cannot be read"
        } else { nil }
        if let why { Issue.record("shared test data \(path) \(why)", sourceLocation: sourceLocation) }
        return path
    }
}
