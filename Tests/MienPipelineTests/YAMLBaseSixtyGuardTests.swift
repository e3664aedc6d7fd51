import Foundation
@testable import MienPipeline
import Testing
import Yams

/// YAML 1.1 reads `a:b:c` as a base-60 number, and Yams computes it with
/// trapping arithmetic: `min_face: 1:1:1:1:1:1:1:1:1:1:1` stopped the process
/// (libFuzzer found it in CI). The guard must refuse exactly the scalars that
/// would trap and let every other one through to Yams unchanged.
@Suite("Base-60 numbers too large for Int are refused before Yams decodes them")
struct YAMLBaseSixtyGuardTests {
    /// Text that would trap Yams as an Int.
    static let overflowing = [
        "1:1:1:1:1:1:1:1:1:1:1",            // the running base reaches 60^11 > 2^63
        "2:0:0:0:0:0:0:0:0:0:0",            // even with zero parts after the first: the base overflows
        "9223372036854775807:1",            // a part times 60
        "153722867280912931:0",             // 60 * that is just over 2^63 - 1
        "+1:1:1:1:1:1:1:1:1:1:1",
        "1_0:1:1:1:1:1:1:1:1:1:1",          // underscores are dropped first
        "1:-1:-9223372036854775808",        // the sum of parts
        "--153722867280912930:-8",          // the sign applied to -2^63
    ]

    /// Text that Yams reads without a trap (a number, or not a number).
    static let safe = [
        "1:30", "-1:30", "+2:00:00", "1:1:1:1:1:1:1:1:1:1", "153722867280912930:7",
        "ema:0.5", "1:x", "1::2", "x:y", "10:30 lecture", "12", "0x7FFFFFFFFFFFFFFF", "1.5:2",
        "0:0:0:0:0:0:0:0:0:0:0", "-01:1:1:1:1:1:1:1:1:1:1",  // Yams reads a leading 0 as octal: no number, no trap
        "1:-9223372036854775808", "-1:-9223372036854775808",
    ]

    @Test(arguments: overflowing)
    func overflowingTextIsFound(text: String) {
        #expect(YAMLBaseSixtyGuard.overflows(text), "\(text)")
    }

    /// What the guard passes, Yams decodes as an Int without a trap (nil where
    /// it is no integer), so the guard and Yams agree on every case.
    @Test(arguments: safe)
    func safeTextPassesAndYamsReadsIt(text: String) throws {
        #expect(!YAMLBaseSixtyGuard.overflows(text), "\(text)")
        let node = try #require(try Yams.compose(yaml: "v: \(text)\n", Resolver.basic.appending(.merge)))
        _ = try? YAMLDecoder().decode([String: Int].self, from: node)
    }

    @Test func yamsValuesOfSafeNumbers() throws {
        let node = try #require(try Yams.compose(yaml: "a: 1:30\nb: -1:1:1:1:1:1:1:1:1:1\n", Resolver.basic.appending(.merge)))
        let values = try YAMLDecoder().decode([String: Int].self, from: node)
        #expect(values["a"] == 90)
        #expect(values["b"] == -(0..<10).reduce(0) { sum, power in sum + Int(pow(60.0, Double(power))) })
    }

    @Test func quotedTextIsNotANumber() throws {
        let node = try #require(try Yams.compose(yaml: "description: \"1:1:1:1:1:1:1:1:1:1:1\"\n", Resolver.basic.appending(.merge)))
        #expect(YAMLBaseSixtyGuard.firstOverflow(in: node) == nil)
    }

    @Test func theFindingNamesKeyAndPlace() throws {
        let node = try #require(try Yams.compose(yaml: "analysis:\n  fps: 5\n  min_face: 1:1:1:1:1:1:1:1:1:1:1\n", Resolver.basic.appending(.merge)))
        #expect(YAMLBaseSixtyGuard.firstOverflow(in: node)
            == .init(text: "1:1:1:1:1:1:1:1:1:1:1", path: "analysis.min_face", line: 3, column: 13))
    }

    /// The input libFuzzer found (`Fuzz/Seeds/job/crash-base-sixty-overflow.yaml`).
    @Test func theJobIsRefusedWithAClearError() {
        let text = "analysis:\n  min_track_samples: 9223372036854775807:1\n"
        #expect(throws: AnalysisError(.badJobFile, "crash.yaml: line 2, column 22: analysis.min_track_samples: "
            + "\"9223372036854775807:1\" is too large a number (YAML reads a:b:c as base 60); quote it if it is text")) {
            try JobSpecification.parse(Data(text.utf8), path: "crash.yaml")
        }
    }

    @Test func aSmallBaseSixtyNumberStillWorks() throws {
        let job = try JobSpecification.parse(Data("analysis:\n  min_face: 1:00\n".utf8), path: "ok.yaml")
        #expect(job.analysis.minFace == 60)
    }
}
