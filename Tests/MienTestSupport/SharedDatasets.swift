import Foundation

/// The data sets in the workspace's `../shared/datasets` folder (beside the
/// repository), used by opt-in suites. Like `SharedMedia`, they are not the
/// project's files, so those suites skip, with `skipReason`, when they are absent.
public enum SharedDatasets {
    /// The folder: `$MIEN_SHARED/datasets` if set, else `../shared/datasets` beside the repository.
    public static let directory: String = {
        if let root = ProcessInfo.processInfo.environment["MIEN_SHARED"] { return root + "/datasets" }
        let repository = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return repository.deletingLastPathComponent().appendingPathComponent("shared/datasets").path
    }()

    /// The FER-2013 PublicTest archive (3,589 48x48 gray JPEGs in `publictest/<class>/`).
    public static var fer2013PublicTest: String { directory + "/fer2013/fer2013-publictest.tar.gz" }

    /// Whether the FER-2013 PublicTest archive is there.
    public static var fer2013Available: Bool { FileManager.default.fileExists(atPath: fer2013PublicTest) }

    /// Why the suites that need it are skipped.
    public static var skipReason: String {
        "FER-2013 not found at \(fer2013PublicTest) (set MIEN_SHARED to the shared folder)"
    }

    /// Unpacks `archive` with `tar -xzf` into a new temporary folder and returns the folder.
    public static func unpack(_ archive: String) throws -> String {
        let folder = NSTemporaryDirectory() + "mien-dataset-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let result = try Tool.run("tar", ["-xzf", archive, "-C", folder])
        guard result.status == 0 else { throw FixtureError("tar -xzf \(archive) failed: \(result.stderr)") }
        return folder
    }
}
