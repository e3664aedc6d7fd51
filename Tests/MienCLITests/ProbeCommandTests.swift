import Foundation
import MienTestSupport
import Testing

@Suite("mien probe, run as a user would")
struct ProbeCommandTests {
    let fx = Fixtures.shared

    func objects(_ output: Tool.Output) throws -> [[String: Any]] {
        try output.text.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }

    @Test func jsonLinesHaveTheDocumentedFields() throws {
        let output = try MienBinary.run(["probe", "--json", fx.h264])
        #expect(output.status == 0)
        let record = try #require(try objects(output).first)
        for key in ["path", "container", "codec", "width", "height", "coded_width", "coded_height", "rotation",
                    "fps", "time_base", "start_time", "duration", "frames", "keyframes", "vfr", "audio"] {
            #expect(record[key] != nil, "missing \(key)")
        }
        #expect(record["width"] as? Int == 160)
        #expect(record["time_base"] as? String == "1/12800")
        #expect(record["keyframes"] as? Int == 8)
        #expect(record["audio"] as? Bool == true)
    }

    @Test func everyInputIsReportedAndAFailureMakesTheExitCodeNonZero() throws {
        let output = try MienBinary.run(["probe", "--json", fx.h264, fx.noise, fx.truncatedIndexLast, fx.rotated90])
        #expect(output.status == 1)
        let records = try objects(output)
        #expect(records.count == 4)
        #expect(records.map { $0["path"] as? String } == [fx.h264, fx.noise, fx.truncatedIndexLast, fx.rotated90])
        #expect(records[0]["error"] == nil)
        #expect((records[1]["error"] as? String)?.contains("not a media file") == true)
        #expect((records[2]["error"] as? String)?.contains("truncated") == true)
        #expect(records[3]["rotation"] as? Int == 90)
        #expect(records[3]["width"] as? Int == 48)
    }

    /// Three recordings joined end to end: the probe counts the resets, and
    /// `analyze` says so and gives the whole length, one grid point after another.
    @Test func joinedRecordingsAreReportedAndAnalysedWhole() throws {
        let record = try #require(try objects(try MienBinary.run(["probe", "--json", fx.joined])).first)
        #expect(record["timestamp_resets"] as? Int == 2)
        #expect(try objects(try MienBinary.run(["probe", "--json", fx.mpegts])).first?["timestamp_resets"] as? Int == 0)
        #expect(try MienBinary.run(["probe", fx.joined]).text.contains("s (2 resets)"))

        let out = NSTemporaryDirectory() + "mien-joined-\(getpid())-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let run = try MienBinary.run(["analyze", "--fps", "5", "--shard-seconds", "1", fx.joined, "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("warning: \(fx.joined): its timestamps start again from an earlier time 2 times"), "\(run.stderr)")
        let lines = try String(contentsOfFile: out + "/joined.timeline.jsonl", encoding: .utf8).split(separator: "\n")
        let times = try lines.map { try #require((try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["t"] as? Double) }
        #expect(times == (0..<times.count).map { Double($0) / 5 })
        #expect(times.count >= 30, "\(times.count) records for three 2 s parts")  // was 10: the first part only
    }

    @Test func countFramesDecodes() throws {
        let output = try MienBinary.run(["probe", "--json", "--count-frames", fx.hevc])
        let record = try #require(try objects(output).first)
        #expect(record["frames"] as? Int == 48)
        #expect(record["frames_source"] as? String == "decoded")
    }

    @Test func tableNamesFailuresAfterTheRows() throws {
        let output = try MienBinary.run(["probe", fx.h264, fx.empty])
        #expect(output.status == 1)
        let lines = output.text.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("FILE") == true)
        #expect(lines.contains { $0.hasPrefix(fx.h264) && $0.contains("160x120") })
        #expect(lines.last == "error: \(fx.empty): empty file (0 bytes)")
    }

    @Test func stillImageHasNullFps() throws {
        let output = try MienBinary.run(["probe", "--json", fx.jpeg])
        #expect(output.text.contains("\"fps\":null"))
        #expect(output.status == 0)
    }

    @Test func usageErrors() throws {
        let none = try MienBinary.run(["probe"])
        #expect(none.status == 64)
        #expect(none.stderr.contains("Missing expected argument"))
        let help = try MienBinary.run(["--help"])
        #expect(help.status == 0)
        #expect(help.text.contains("probe") && help.text.contains("bench"))
    }

    @Test func playlistNeedsTheFlag() throws {
        let refused = try MienBinary.run(["probe", "--json", fx.hlsPlaylist])
        #expect(refused.status == 1)
        #expect(refused.text.contains("--allow-playlists"))
        let allowed = try MienBinary.run(["probe", "--json", "--allow-playlists", fx.hlsPlaylist])
        #expect(allowed.status == 0)
    }

    @Test func benchDecodePrintsBothSides() throws {
        let output = try MienBinary.run(["bench", "decode", "--repeats", "1", fx.h264])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.text.contains("mien") && output.text.contains("ffmpeg") && output.text.contains("frames/s"))
    }
}
