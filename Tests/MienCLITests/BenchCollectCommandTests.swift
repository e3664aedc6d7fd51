import Foundation
import Testing

/// `mien bench collect` makes, stores and collects a made-up job and reports the collect step's memory.
@Suite("mien bench collect")
struct BenchCollectCommandTests {
    @Test func aSmallMadeUpJobCollectsCompletely() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mien-bench-collect-test-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try MienBinary.run(["bench", "collect", "--hours", "0.01", "--faces", "3", "--rate", "2",
                                      "--shard-seconds", "10", "--smoothing", "window:1", "--folder", folder])
        #expect(run.status == 0, "\(run.stderr)")
        // 36 s at 2 samples/s: 72 records of 3 faces, each face one track across the four shards.
        #expect(run.text.contains("72 records, 216 faces, 3 tracks"), "\(run.text)")
        #expect(run.text.contains("peak resident memory while collecting"), "\(run.text)")
        let lines = try String(contentsOfFile: folder + "/synthetic.timeline.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 72 && lines.allSatisfy { $0.contains("\"smoothed\"") })
    }

    @Test func badNumbersAreRefused() throws {
        let run = try MienBinary.run(["bench", "collect", "--hours", "0"])
        #expect(run.status != 0 && run.stderr.contains("must be positive"), "\(run.stderr)")
    }
}
