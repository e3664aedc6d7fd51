import Foundation

/// Chooses each input's output name, `<name>` in `<name>.timeline.jsonl` and
/// `<name>.meta.json`: the file name without its extension, unless that would
/// make two different inputs share files.
///
/// A name gets `-` and 8 hex digits of a hash of the input's absolute path
/// (`clip-3f2a9c1e`) when another input of the same run has the same name,
/// or when the output folder already holds a `meta.json` of that name written
/// for a different input. The same input into the same folder always gets
/// the same name, so running again replaces its own files only.
public enum OutputNaming {
    /// One name per input, in input order. Without an output folder (a job
    /// submitted to a store), only the inputs' own names are compared.
    public static func names(for inputs: [String], outputDirectory: String?) -> [String] {
        let absolute = inputs.map(InputSummary.absolute)
        let stems = inputs.map(stem)
        var users: [String: Set<String>] = [:]
        for (s, a) in zip(stems, absolute) { users[s, default: []].insert(a) }
        return zip(stems, absolute).map { s, a in
            let shared = users[s]!.count > 1
            let taken = outputDirectory.flatMap { previousInput(named: s, in: $0) }.map { $0 != a } ?? false
            return shared || taken ? "\(s)-\(hash(a))" : s
        }
    }

    /// The file name without its last extension (`a/b/clip.mp4` -> `clip`); a
    /// name that is only an extension (`.mp4`) is kept whole.
    static func stem(_ path: String) -> String {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let stem = (name as NSString).deletingPathExtension
        return stem.isEmpty ? name : stem
    }

    /// The absolute input path recorded in `<name>.meta.json`, if that file exists and is readable.
    static func previousInput(named name: String, in folder: String) -> String? {
        let path = folder + "/" + name + ".meta.json"
        guard let data = FileManager.default.contents(atPath: path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let input = object["input"] as? [String: Any] else { return nil }
        return input["absolute_path"] as? String
    }

    /// 8 hex digits of FNV-1a over the path's UTF-8 bytes (stable across runs and machines).
    static func hash(_ text: String) -> String { StableHash.hex(StableHash.fnv1a(text), digits: 8) }
}
