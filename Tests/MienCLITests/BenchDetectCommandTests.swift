import Foundation
import MienTestSupport
import Testing

/// `mien bench detect` on a labelled clip made here: the bundled sample
/// (one face, the astronaut) with a label file written by the test.
@Suite("mien bench detect, run as a user would")
struct BenchDetectCommandTests {
    /// A folder with `clip.mp4` (the sample) and `clip.boxes.jsonl` holding `lines`.
    func folder(_ lines: [String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mien-bench-detect-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: RepositoryFiles.astronautClip, toPath: dir + "/clip.mp4")
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/clip.boxes.jsonl", atomically: true, encoding: .utf8)
        return dir
    }

    @Test func aLabelledFaceIsFoundAndAWrongLabelIsMissed() throws {
        // Frame 0: the face where the detector finds it (from `mien detect`), and a box on the background.
        let detect = try MienBinary.run(["detect", "--json", RepositoryFiles.astronautClip])
        let first = try #require(try JSONSerialization.jsonObject(with: Data(detect.text.split(separator: "\n")[0].utf8)) as? [String: Any])
        let box = try #require(((first["faces"] as? [[String: Any]])?.first?["box"]) as? [Double])
        let truth = [box[0], box[1], box[0] + box[2], box[1] + box[3]]
        let dir = try folder([#"{"frame": 0, "faces": [{"box": \#(truth)}, {"box": [0, 0, 20, 20]}]}"#])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let output = try MienBinary.run(["bench", "detect", "--clips", dir, "--detectors", "yunet", "--thresholds", "0.5", "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(output.text.utf8)) as? [String: Any])
        #expect(report["detector"] as? String == "yunet" && report["images"] as? Int == 1)
        let row = try #require((report["rows"] as? [[String: Any]])?.first)
        #expect(row["true"] as? Int == 1 && row["false"] as? Int == 0 && row["missed"] as? Int == 1)
    }

    @Test func missingFolderAndBadLabelsAreClearErrors() throws {
        let missing = try MienBinary.run(["bench", "detect", "--clips", "/nonexistent/clips"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("/nonexistent/clips"))

        let dir = try folder([#"{"frame": 0, "faces": [{"box": [10, 10, 5, 5]}]}"#])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let inverted = try MienBinary.run(["bench", "detect", "--clips", dir, "--detectors", "yunet"])
        #expect(inverted.status != 0)
        #expect(inverted.stderr.contains("clip.boxes.jsonl: line 1"))

        try "not json\n".write(toFile: dir + "/clip.boxes.jsonl", atomically: true, encoding: .utf8)
        let garbage = try MienBinary.run(["bench", "detect", "--clips", dir, "--detectors", "yunet"])
        #expect(garbage.status != 0)
        #expect(garbage.stderr.contains("line 1 is not a label line"))

        let none = try MienBinary.run(["bench", "detect"])
        #expect(none.status != 0 && none.stderr.contains("--clips"))
        let unknown = try MienBinary.run(["bench", "detect", "--clips", dir, "--detectors", "haar"])
        #expect(unknown.status != 0 && unknown.stderr.contains("yunet, mtcnn"))
    }
}
