import Foundation

/// The real media in the workspace's `../shared/media` folder (beside the
/// repository), used by opt-in suites. They are not the project's files, so
/// those suites skip, with this type's `skipReason`, when the folder is absent.
public enum SharedMedia {
    /// The folder: `$MIEN_SHARED/media` if set, else `../shared/media` beside the repository.
    public static let directory: String = {
        if let root = ProcessInfo.processInfo.environment["MIEN_SHARED"] { return root + "/media" }
        let repository = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return repository.deletingLastPathComponent().appendingPathComponent("shared/media").path
    }()

    /// Whether the folder is there.
    public static var available: Bool { FileManager.default.fileExists(atPath: directory + "/WolfgangLanger_Pexels.mp4") }

    /// Why the suites that need it are skipped.
    public static var skipReason: String { "real media not found at \(directory) (set MIEN_SHARED to the shared folder)" }

    /// The path of a file in the folder.
    public static func path(_ name: String) -> String { directory + "/" + name }
}
