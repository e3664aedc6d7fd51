import Foundation

/// Turns the command line's inputs into a list of files: a file stays as
/// given; a folder gives every file under it, recursively, sorted by path,
/// leaving out hidden files and folders (names starting with `.`) and Mien's
/// own output files (`*.timeline.jsonl`, `*.meta.json`, so that a folder can
/// hold its videos' results and be analysed again). Anything else is kept as
/// given, so that it fails with its own error and meta file. A file reached
/// twice (given, and inside a folder given) is kept once.
public enum InputExpansion {
    /// The files to analyse, and the folders that held none.
    public static func expand(_ inputs: [String]) -> (files: [String], emptyFolders: [String]) {
        var files: [String] = []
        var empty: [String] = []
        for input in inputs {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: input, isDirectory: &isFolder), isFolder.boolValue {
                let found = filesUnder(input)
                if found.isEmpty { empty.append(input) }
                files += found
            } else {
                files.append(input)
            }
        }
        return (unique(files), empty)
    }

    /// `files` without repeats of the same file (compared by absolute path), first kept.
    static func unique(_ files: [String]) -> [String] {
        var seen = Set<String>()
        return files.filter { seen.insert(InputSummary.absolute($0)).inserted }
    }

    /// Every non-hidden regular file under `folder`, sorted.
    static func filesUnder(_ folder: String) -> [String] {
        let base = folder.hasSuffix("/") ? String(folder.dropLast()) : folder
        guard let walker = FileManager.default.enumerator(atPath: base) else { return [] }
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix(".") {
                if (walker.fileAttributes?[.type] as? FileAttributeType) == .typeDirectory { walker.skipDescendants() }
                continue
            }
            let path = base + "/" + relative
            let type = walker.fileAttributes?[.type] as? FileAttributeType
            if isOutput(name) { continue }
            if type == .typeRegular || (type == .typeSymbolicLink && isFile(path)) { found.append(path) }
        }
        return found.sorted()
    }

    /// Whether a file name is one of Mien's outputs.
    static func isOutput(_ name: String) -> Bool {
        name.hasSuffix(".timeline.jsonl") || name.hasSuffix(".meta.json")
    }

    /// Whether `path` (after following links) is a file, not a folder.
    static func isFile(_ path: String) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && !isFolder.boolValue
    }
}
