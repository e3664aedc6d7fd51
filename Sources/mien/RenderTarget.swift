import Foundation

/// Checks on `mien render`'s output path made before any work: it is not a
/// folder, its folder exists and is writable, and it is neither the input nor the timeline.
enum RenderTarget {
    /// - Throws: `Fatal` naming the output and the cause.
    static func check(output: String, input: String, timeline: String) throws {
        let files = FileManager.default
        var isFolder: ObjCBool = false
        if files.fileExists(atPath: output, isDirectory: &isFolder), isFolder.boolValue {
            throw Fatal("\(output): is a folder; give the video file to write")
        }
        let folder = URL(fileURLWithPath: output).deletingLastPathComponent().path
        guard files.fileExists(atPath: folder, isDirectory: &isFolder) else {
            throw Fatal("\(output): cannot write the output: the folder \(folder) does not exist")
        }
        guard isFolder.boolValue else {
            throw Fatal("\(output): cannot write the output: \(folder) is not a folder")
        }
        guard files.isWritableFile(atPath: folder) else {
            throw Fatal("\(output): cannot write the output: the folder \(folder) is not writable")
        }
        let target = URL(fileURLWithPath: output).resolvingSymlinksInPath().path
        for (name, path) in [("input video", input), ("timeline", timeline)]
        where URL(fileURLWithPath: path).resolvingSymlinksInPath().path == target {
            throw Fatal("\(output): is the \(name); give another output file")
        }
    }
}
