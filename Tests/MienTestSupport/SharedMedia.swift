import Foundation
import Testing

/// The real media in the workspace's `../shared/media` folder (beside the
/// repository), used by opt-in suites. They are not the project's files, so
/// those suites skip, with `skipReason`, where `../shared` is absent; where it
/// is there (or `MIEN_REQUIRE_SHARED=1`) they run, and a missing or unreadable
/// file fails them (see `SharedFolder`).
public enum SharedMedia {
    /// The folder: `$MIEN_SHARED/media` if set, else `../shared/media` beside the repository.
    public static var directory: String { SharedFolder.root + "/media" }

    /// Whether the suites that use the media run: `../shared` is there, or
    /// `MIEN_REQUIRE_SHARED=1`. The files are checked as the tests open them.
    public static var available: Bool { SharedFolder.inUse }

    /// Why the suites that need it are skipped.
    public static var skipReason: String { SharedFolder.skipReason("real media (\(directory))") }

    /// The path of a file in the folder; a missing or unreadable file fails the running test.
    public static func path(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        SharedFolder.checked(directory + "/" + name, sourceLocation: sourceLocation)
    }
}
