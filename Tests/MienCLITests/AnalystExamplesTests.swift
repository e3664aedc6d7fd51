import Foundation
import MienTestSupport
import Testing

/// The pandas and DuckDB examples of README.md ("Reading timelines and
/// summaries in pandas and DuckDB"), run as written in `.venv-tools/`
/// (pandas and duckdb pinned in Tests/tools/requirements.txt) on a folder
/// laid out as they expect, so the README cannot drift from what works.
@Suite("README: reading timelines and summaries in pandas and DuckDB")
final class AnalystExamplesTests {
    static let python = RepositoryFiles.path(".venv-tools/bin/python")
    static let summarizeCommand = "mien summarize timelines --window 60 --out summary.csv"
    let root: String

    init() throws {
        root = NSTemporaryDirectory() + "mien-examples-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: root + "/timelines", withIntermediateDirectories: true)
        try SyntheticTimeline.knownAnswer.write(toFile: root + "/timelines/astronaut.timeline.jsonl", atomically: true, encoding: .utf8)
        try SyntheticTimeline.knownAnswerMeta(name: "astronaut")
            .write(toFile: root + "/timelines/astronaut.meta.json", atomically: true, encoding: .utf8)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// The python blocks between the README's `analyst-examples` markers.
    static func examples() throws -> [String] {
        let readme = try String(contentsOfFile: RepositoryFiles.path("README.md"), encoding: .utf8)
        guard let start = readme.range(of: "<!-- analyst-examples"), let end = readme.range(of: "<!-- /analyst-examples -->"),
              start.upperBound < end.lowerBound else { throw FixtureError("README.md lacks the analyst-examples markers") }
        let section = readme[start.upperBound..<end.lowerBound]
        return section.components(separatedBy: "```python\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
    }

    @Test func readmeExamplesRunOnASummaryAndATimeline() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.python) else {
            throw FixtureError("\(Self.python) is missing: run `bash scripts/tools-venv.sh` (scripts/test.sh runs it)")
        }
        let readme = try String(contentsOfFile: RepositoryFiles.path("README.md"), encoding: .utf8)
        #expect(readme.contains(Self.summarizeCommand), "the README's summarize command is the one run here")
        let arguments = Self.summarizeCommand.split(separator: " ").dropFirst().map(String.init)
        let summarized = try Tool.run(MienBinary.path, arguments, in: root)
        #expect(summarized.status == 0, "\(summarized.stderr)")

        let blocks = try Self.examples()
        #expect(blocks.count == 2)
        let expected = [["probs.happy", "neutral", "track"], ["astronaut", "neutral"]]
        for (block, words) in zip(blocks, expected) {
            let run = try Tool.run(Self.python, ["-c", block], in: root)
            #expect(run.status == 0, "example failed:\n\(block)\n\(run.stderr)")
            for word in words { #expect(run.text.contains(word), "\(word) not in the output:\n\(run.text)") }
        }
    }
}
