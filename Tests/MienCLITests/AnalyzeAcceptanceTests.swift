import Foundation
import MienTestSupport
import Testing

/// The acceptance checks of `mien analyze` on the real media in `../shared/media`.
@Suite("mien analyze on real media (acceptance)", .enabled(if: SharedMedia.available, Comment(rawValue: SharedMedia.skipReason)))
struct AnalyzeAcceptanceTests {
    let fx = Fixtures.shared
    let out: String

    init() {
        out = FileManager.default.temporaryDirectory.appendingPathComponent("mien-acceptance-\(getpid())-\(UUID().uuidString)").path
    }

    func records(_ name: String) throws -> [[String: Any]] {
        let text = try String(contentsOfFile: out + "/" + name + ".timeline.jsonl", encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    func meta(_ name: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/" + name + ".meta.json"))) as! [String: Any]
    }

    static func faces(_ record: [String: Any]) -> [[String: Any]] { record["faces"] as? [[String: Any]] ?? [] }

    /// The grid times `k / fps` below `duration`.
    static func grid(fps: Double, duration: Double) -> [Double] {
        (0..<Int((duration * fps).rounded(.up))).map { Double($0) / fps }.filter { $0 < duration - 1e-6 }
    }

    @Test func cryingThenLaughingAtFivePerSecond() throws {
        defer { try? FileManager.default.removeItem(atPath: out) }
        let run = try MienBinary.run(["analyze", "--fps", "5", SharedMedia.path("WolfgangLanger_Pexels.mp4"), "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        let records = try records("WolfgangLanger_Pexels")
        let duration = try #require((try meta("WolfgangLanger_Pexels")["probe"] as? [String: Any])?["duration"] as? Double)
        #expect(records.map { $0["t"] as! Double } == Self.grid(fps: 5, duration: duration), "a record at every grid time")
        let withFace = records.filter { !Self.faces($0).isEmpty }
        #expect(Double(withFace.count) >= 0.95 * Double(records.count), "\(withFace.count) of \(records.count) records have a face")
        #expect(Set(withFace.flatMap { Self.faces($0).map { $0["track"] as! Int } }) == [0], "one track")

        func emotions(_ keep: (Double) -> Bool) -> [String] {
            records.filter { keep($0["t"] as! Double) }.compactMap { Self.faces($0).first?["emotion"] as? String }
        }
        let first = emotions { $0 < 8 }
        let counts = Dictionary(first.map { ($0, 1) }, uniquingKeysWith: +)
        #expect(counts.max { $0.value < $1.value }?.key == "sad", "first 8 s: \(counts)")
        let last = emotions { $0 >= duration - 8 }
        let happy = last.filter { $0 == "happy" }.count
        #expect(Double(happy) >= 0.9 * Double(last.count), "last 8 s: \(happy) of \(last.count) happy")
    }

    @Test func noFaceVideoHasEmptyRecordsAtEveryGridTime() throws {
        defer { try? FileManager.default.removeItem(atPath: out) }
        let run = try MienBinary.run(["analyze", "--fps", "5", SharedMedia.path("no_face.mp4"), "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        let records = try records("no_face")
        let duration = try #require((try meta("no_face")["probe"] as? [String: Any])?["duration"] as? Double)
        #expect(records.map { $0["t"] as! Double } == Self.grid(fps: 5, duration: duration))
        #expect(records.allSatisfy { Self.faces($0).isEmpty && $0["status"] as? String == "ok" })
    }

    @Test func groupPhotoHasFiveFaces() throws {
        defer { try? FileManager.default.removeItem(atPath: out) }
        let run = try MienBinary.run(["analyze", SharedMedia.path("multi_face.jpg"), "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        let records = try records("multi_face")
        #expect(records.count == 1)
        #expect(Self.faces(records[0]).count == 5)
        #expect(Self.faces(records[0]).map { $0["track"] as! Int } == [0, 1, 2, 3, 4])
    }

    @Test func aMixedFolderCompletesTheGoodFilesAndReportsTheBad() throws {
        defer { try? FileManager.default.removeItem(atPath: out) }
        let folder = out + "-in"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in ["single_face.mp4", "single_face.jpg", "no_face.mp4"] {
            try FileManager.default.copyItem(atPath: SharedMedia.path(name), toPath: folder + "/" + name)
        }
        try FileManager.default.copyItem(atPath: fx.text, toPath: folder + "/notes.txt")
        let whole = try Data(contentsOf: URL(fileURLWithPath: SharedMedia.path("WolfgangLanger_Pexels.mp4")))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: folder + "/cut_short.mp4"))

        let run = try MienBinary.run(["analyze", "--fps", "5", folder, "--out", out])
        #expect(run.status == 2, "some inputs failed: \(run.stderr)")
        #expect(run.stderr.contains("3 complete, 0 partial, 2 failed"), "\(run.stderr)")
        // Same-named inputs (single_face.mp4 and single_face.jpg) get distinct names.
        let metas = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".meta.json") }.sorted()
        #expect(metas.count == 5)
        var statuses: [String: String] = [:]
        for file in metas {
            let meta = try meta(String(file.dropLast(".meta.json".count)))
            let input = ((meta["input"] as? [String: Any])?["path"] as? String).map { URL(fileURLWithPath: $0).lastPathComponent } ?? ""
            statuses[input] = meta["status"] as? String
            if meta["status"] as? String == "failed" {
                #expect(run.stderr.contains(input), "the summary names \(input)")
            }
        }
        #expect(statuses == ["single_face.mp4": "complete", "single_face.jpg": "complete", "no_face.mp4": "complete",
                             "notes.txt": "failed", "cut_short.mp4": "failed"])
    }
}
