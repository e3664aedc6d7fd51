import Foundation
import MienTestSupport
import Testing

/// `mien summarize` on `SyntheticTimeline.knownAnswer`, and on bad input.
@Suite("mien summarize, run as a user would")
final class SummarizeCommandTests {
    let scratch: ScratchFolder
    var root: String { scratch.path }

    init() throws {
        scratch = try ScratchFolder("mien-summarize")
        try FileManager.default.createDirectory(atPath: root + "/out", withIntermediateDirectories: true)
        try scratch.write(SyntheticTimeline.knownAnswer, "out/known.timeline.jsonl")
        try scratch.write(SyntheticTimeline.knownAnswerMeta(name: "known"), "out/known.meta.json")
    }

    func table(_ text: String) -> [[String: String]] {
        let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        guard let header = lines.first else { return [] }
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    @Test func csvPerTrackAndWindowToAFile() throws {
        let output = try MienBinary.run(["summarize", root + "/out", "--window", "2", "--out", root + "/summary.csv"])
        #expect(output.status == 0, "\(output.stderr)")
        let rows = table(try String(contentsOfFile: root + "/summary.csv", encoding: .utf8))
        #expect(rows.map { "\($0["window"]!):\($0["track"]!)" } == ["0:0", "0:1", "1:0", "1:1", "2:0"])
        let w1 = rows[2]
        #expect(w1["video"] == "known" && w1["start"] == "2" && w1["end"] == "4" && w1["samples"] == "4" && w1["seconds"] == "2")
        #expect(w1["share_happy"] == "0.5" && w1["share_sad"] == "0.5" && w1["changes"] == "1")
        #expect(w1["smoothed_share_happy"] == "1" && w1["smoothed_dominant"] == "happy" && w1["smoothed_changes"] == "0")
        #expect(rows[4]["end"] == "5" && rows[4]["dominant"] == "sad")
    }

    @Test func wholeVideoAsJSONLinesToStdout() throws {
        let output = try MienBinary.run(["summarize", "--format", "jsonl", root + "/out/known.timeline.jsonl"])
        #expect(output.status == 0, "\(output.stderr)")
        let rows = try output.text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(rows.count == 2)
        #expect(rows[0]["seconds"] as? Double == 5 && rows[0]["samples"] as? Int == 10)
        #expect(rows[0]["share_happy"] as? Double == 0.6 && rows[0]["dominant"] as? String == "happy")
        #expect(abs((rows[0]["valence"] as? Double ?? 9) - -0.02) < 1e-6)
        #expect(rows[1]["share_neutral"] as? Double == 1 && rows[1]["first_seen"] as? Double == 1)
    }

    @Test func damagedLineIsNamed() throws {
        var lines = SyntheticTimeline.knownAnswer.split(separator: "\n").map(String.init)
        lines[2] = String(lines[2].prefix(50))
        let path = try scratch.write(lines.joined(separator: "\n") + "\n", "cut.timeline.jsonl")
        let output = try MienBinary.run(["summarize", path])
        #expect(output.status == 1)
        #expect(output.stderr.contains("\(path): line 3 is not a timeline record"), "\(output.stderr)")
    }

    /// macOS leaves `._NAME` files beside every file copied to a shared drive;
    /// a failed input has a meta file and no timeline, and no rows: say so.
    @Test func hiddenFilesAreLeftOutAndFailedInputsNamed() throws {
        try scratch.write("\u{0}\u{5}\u{16}\u{7}Mac OS X", "out/._known.timeline.jsonl")
        try scratch.write("\u{0}\u{5}\u{16}\u{7}Mac OS X", "out/._known.meta.json")
        try scratch.write(#"{"status":"failed"}"#, "out/broken.meta.json")
        let output = try MienBinary.run(["summarize", root + "/out"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(table(output.text).count == 2, "the known timeline's two tracks")
        #expect(output.stderr.contains("warning: \(root)/out/broken.meta.json: its input failed (no timeline), so it has no rows"),
                "\(output.stderr)")
        #expect(!output.stderr.contains("._known"), "\(output.stderr)")
    }

    @Test func folderWithoutTimelinesIsAnError() throws {
        try FileManager.default.createDirectory(atPath: root + "/empty", withIntermediateDirectories: true)
        let output = try MienBinary.run(["summarize", root + "/empty"])
        #expect(output.status == 1)
        #expect(output.stderr.contains("\(root)/empty: no timelines (*.timeline.jsonl) in this folder"), "\(output.stderr)")
    }

    @Test func timelineThatDoesNotMatchItsMetaFileIsAnError() throws {
        try FileManager.default.removeItem(atPath: root + "/out/known.timeline.jsonl")
        let shorter = SyntheticTimeline.knownAnswer.split(separator: "\n").prefix(9).joined(separator: "\n") + "\n"
        try scratch.write(shorter, "out/known.timeline.jsonl")
        let output = try MienBinary.run(["summarize", root + "/out", "--out", root + "/s.csv"])
        #expect(output.status == 1)
        #expect(output.stderr.contains("does not match its meta file") && output.stderr.contains("counts 10 records, the timeline has 9"),
                "\(output.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root + "/s.csv"), "nothing is left behind on an error")
    }

    @Test func badWindowIsRefused() throws {
        let output = try MienBinary.run(["summarize", root + "/out", "--window", "0"])
        #expect(output.status != 0 && output.stderr.contains("--window must be a positive number"))
    }
}
