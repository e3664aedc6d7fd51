import Foundation
import MienTestSupport
@testable import MienPipeline
import Testing

/// Job files refuse YAML aliases before Yams sees them: an alias of an alias
/// used as a mapping key made Yams hash an exponentially large key (libFuzzer
/// found a 300-byte job that ran for minutes).
@Suite("YAML aliases in job files are found before parsing")
struct YAMLAliasScanTests {
    /// (text, line, column) of the first alias.
    static let withAliases: [(String, Int, Int)] = [
        ("a: &x 1\nb: *x\n", 2, 4),
        ("a: [1, *x]\n", 1, 8),
        ("a: {k: *x}\n", 1, 8),
        ("{\"a\":*x}\n", 1, 6),
        ("- *x\n", 1, 3),
        ("? *x\n: 1\n", 1, 3),
        ("--- *x\n", 1, 5),
        ("a:\n  *x\n", 2, 3),
        ("d: |\n  text\nb: *x\n", 3, 4),
        ("d: \"multi\n  line\"\nb: *x\n", 3, 4),
        ("d: 'it''s'\nb: *x\n", 2, 4),
        ("a: &x !!seq [1]\nb: !!seq *x\n", 2, 10),
        // A quote at the start of a line may continue a plain scalar, so it hides nothing.
        ("a: [b\n 'c, *x']\n", 2, 6),
    ]

    @Test(arguments: withAliases.indices)
    func aliasesAreFound(case index: Int) {
        let (text, line, column) = Self.withAliases[index]
        #expect(YAMLAliasScan.firstAlias(in: text) == .init(line: line, column: column), "\(text)")
    }

    static let withoutAliases = [
        "description: R&D *notes* for lab B\nanalysis:\n  fps: 10\n",
        "description: \"*quoted*\"\n",
        "description: '*quoted*'\n",
        "description: |\n  *a bullet\n    *deeper\n\n  *after a blank line\nanalysis: {fps: 10}\n",
        "description: >\n  *folded\n",
        "# *a comment\nanalysis: {smooth: \"ema:0.5\"}  # *another\n",
        "a: b*c\n",
        "- * item\n",
        "{\"description\": \"a, *b\", \"analysis\": {\"fps\": 5}}\n",
        "description: \"escaped \\\" *quote\"\n",
    ]

    @Test(arguments: withoutAliases)
    func textWithoutAliasesPasses(text: String) {
        #expect(YAMLAliasScan.firstAlias(in: text) == nil)
    }

    @Test(arguments: ["Jobs/classroom.yaml", "Jobs/in-car.yaml"])
    func bundledJobsHaveNoAliases(path: String) throws {
        let text = try String(contentsOfFile: RepositoryFiles.path(path), encoding: .utf8)
        #expect(YAMLAliasScan.firstAlias(in: text) == nil)
    }

    /// The input libFuzzer found, in the form that grows fastest: a key that
    /// is an alias of nine nested ten-element sequences (10^9 scalars).
    @Test func anExponentialKeyIsRefusedAtOnce() {
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for level in 1..<10 {
            lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        let text = lines.joined(separator: "\n") + "\n{[*a9]: 1}: 2\n"
        #expect(throws: AnalysisError(.badJobFile, "bomb.yaml: line 2, column 10: job files cannot use YAML aliases "
            + "(*name); write the value out (or quote text that starts with *)")) {
            try JobSpecification.parse(Data(text.utf8), path: "bomb.yaml")
        }
    }
}
