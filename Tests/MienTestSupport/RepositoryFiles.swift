import Foundation

/// Files committed in the repository (the bundled sample, the job files).
public enum RepositoryFiles {
    /// The repository's root folder.
    public static let root: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// `Jobs/samples/astronaut.mp4`: 5 s, 480x270, 25 fps; one face (a public-domain
    /// NASA portrait, smiling), panned and zoomed, black from 3.0 s to 3.6 s.
    public static var astronautClip: String { root + "/Jobs/samples/astronaut.mp4" }

    /// A path under the repository root.
    public static func path(_ relative: String) -> String { root + "/" + relative }
}
