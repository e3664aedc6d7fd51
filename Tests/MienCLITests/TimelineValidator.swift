import Foundation
import MienTestSupport

/// `Tests/tools/validate_timeline.py`, which checks timeline and meta files
/// against `Jobs/schema/`, run by Debian's Python with its `python3-jsonschema`
/// (not whatever `python3` comes first on PATH).
enum TimelineValidator {
    static let python = "/usr/bin/python3"

    /// The repository root, found from this file's place in it.
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static let script = repository + "/Tests/tools/validate_timeline.py"

    /// Validates `files`: exit status 0 when they are all valid, else 1 with
    /// `path:line: problem` lines on stdout.
    /// - Throws: `FixtureError` saying how to install the validator's
    ///   dependencies when Python or jsonschema is missing (so the tests fail, not skip).
    static func run(_ files: [String]) throws -> Tool.Output {
        let check = try? Tool.run(python, ["-c", "import jsonschema"])
        guard let check, check.status == 0 else {
            throw FixtureError("\(python) cannot import jsonschema (\(check?.stderr ?? "no \(python)")); "
                + "run scripts/install-deps.sh, which installs python3-jsonschema")
        }
        return try Tool.run(python, [script] + files)
    }
}
