import Foundation
import Testing

/// The data sets in the workspace's `../shared/datasets` folder (beside the
/// repository), used by opt-in suites. Like `SharedMedia`, they are not the
/// project's files, so those suites skip, with `skipReason`, where `../shared`
/// is absent; where it is there (or `MIEN_REQUIRE_SHARED=1`) they run, and a
/// missing or unreadable archive fails them (see `SharedFolder`).
public enum SharedDatasets {
    /// The folder: `$MIEN_SHARED/datasets` if set, else `../shared/datasets` beside the repository.
    public static var directory: String { SharedFolder.root + "/datasets" }

    /// The FER-2013 PublicTest archive (3,589 48x48 gray JPEGs in `publictest/<class>/`);
    /// a missing or unreadable archive fails the running test.
    public static func fer2013PublicTest(sourceLocation: SourceLocation = #_sourceLocation) -> String {
        SharedFolder.checked(directory + "/fer2013/fer2013-publictest.tar.gz", sourceLocation: sourceLocation)
    }

    /// Whether the suites that use FER-2013 run: `../shared` is there, or `MIEN_REQUIRE_SHARED=1`.
    public static var fer2013Available: Bool { SharedFolder.inUse }

    /// Why the suites that need it are skipped.
    public static var skipReason: String { SharedFolder.skipReason("FER-2013 (\(directory)/fer2013)") }

    /// Unpacks `archive` with `tar -xzf` into a new temporary folder and returns the folder.
    public static func unpack(_ archive: String) throws -> String {
        let folder = NSTemporaryDirectory() + "mien-dataset-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let result = try Tool.run("tar", ["-xzf", archive, "-C", folder])
        guard result.status == 0 else { throw FixtureError("tar -xzf \(archive) failed: \(result.stderr)") }
        return folder
    }
}
