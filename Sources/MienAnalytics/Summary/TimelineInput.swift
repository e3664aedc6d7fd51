import Foundation

/// One timeline to read, with its meta file when one lies beside it.
public struct TimelineInput: Sendable {
    /// `NAME.timeline.jsonl`.
    public var timelinePath: String
    /// `NAME`: the file name without `.timeline.jsonl`.
    public var name: String
    /// `NAME.meta.json` beside the timeline; nil when there is none.
    public var meta: MetaFile?
    /// Where the meta file is (whether or not it exists).
    public var metaPath: String

    /// The suffix of timeline files.
    public static let timelineSuffix = ".timeline.jsonl"
    /// The suffix of meta files.
    public static let metaSuffix = ".meta.json"

    /// The timeline at `path`, with the meta file beside it when there is one.
    /// - Throws: `AnalyticsError` when that meta file cannot be read.
    public init(timelinePath path: String) throws(AnalyticsError) {
        timelinePath = path
        let file = (path as NSString).lastPathComponent
        name = file.hasSuffix(Self.timelineSuffix) ? String(file.dropLast(Self.timelineSuffix.count)) : file
        let folder = (path as NSString).deletingLastPathComponent
        metaPath = (folder.isEmpty ? "" : folder + "/") + name + Self.metaSuffix
        meta = try FileManager.default.fileExists(atPath: metaPath) ? MetaFile.read(metaPath) : nil
    }

    /// The timelines that `arguments` name: files as given, folders as every
    /// `*.timeline.jsonl` in them (not in subfolders; hidden names, such as
    /// the `._NAME` files macOS leaves on shared drives, left out), sorted by name.
    /// - Throws: `AnalyticsError` for a path that does not exist, or a folder without timelines.
    public static func resolve(_ arguments: [String]) throws(AnalyticsError) -> [TimelineInput] {
        var inputs: [TimelineInput] = []
        for argument in arguments {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: argument, isDirectory: &isFolder) else {
                throw AnalyticsError("\(argument): no such file or folder")
            }
            guard isFolder.boolValue else {
                inputs.append(try TimelineInput(timelinePath: argument))
                continue
            }
            let names = visibleNames(in: argument)
            let timelines = names.filter { $0.hasSuffix(timelineSuffix) }
            if timelines.isEmpty {
                let metas = names.filter { $0.hasSuffix(metaSuffix) }.count
                let why = metas > 0 ? "; its \(metas) meta file(s) are of inputs that failed" : ""
                throw AnalyticsError("\(argument): no timelines (*\(timelineSuffix)) in this folder\(why)")
            }
            for name in timelines { inputs.append(try TimelineInput(timelinePath: argument + "/" + name)) }
        }
        return inputs
    }

    /// The inputs in the folders among `arguments` that failed: a meta file
    /// and no timeline (so no row in a summary), by meta file path.
    public static func failedInputs(in arguments: [String]) -> [String] {
        arguments.flatMap { folder -> [String] in
            let names = visibleNames(in: folder)
            let timelines = Set(names.filter { $0.hasSuffix(timelineSuffix) }.map { $0.dropLast(timelineSuffix.count) })
            return names.filter { $0.hasSuffix(metaSuffix) && !timelines.contains($0.dropLast(metaSuffix.count)) }
                .map { folder + "/" + $0 }
        }
    }

    /// A folder's file names that do not start with a dot, sorted; none when it is not a readable folder.
    static func visibleNames(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }
}
