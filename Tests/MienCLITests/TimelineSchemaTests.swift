import Foundation
import MienTestSupport
import Testing

/// `mien analyze` output checked against `Jobs/schema/` by the validator,
/// and the validator shown to catch broken records.
@Suite("timeline and meta files follow Jobs/schema")
final class TimelineSchemaTests {
    let root: String
    let astronaut = TimelineValidator.repository + "/Jobs/samples/astronaut.mp4"

    init() throws {
        root = NSTemporaryDirectory() + "mien-schema-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// Runs `mien analyze ARGUMENTS --out ROOT/FOLDER`; returns the exit status and the files written.
    func analyze(_ arguments: [String], into folder: String) throws -> (status: Int32, files: [String]) {
        let out = root + "/" + folder
        let result = try MienBinary.run(["analyze"] + arguments + ["--out", out])
        // The output files (the job store lives in the hidden .mien folder beside them).
        let files = try FileManager.default.contentsOfDirectory(atPath: out).filter { !$0.hasPrefix(".") }.sorted().map { out + "/" + $0 }
        return (result.status, files)
    }

    /// Asserts the validator accepts `files`.
    func expectValid(_ files: [String]) throws {
        let result = try TimelineValidator.run(files)
        #expect(result.status == 0, "validator: \(result.text)\(result.stderr)")
    }

    func meta(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    @Test func astronautOnAGrid() throws {
        let run = try analyze([astronaut, "--fps", "5"], into: "grid")
        #expect(run.status == 0)
        #expect(run.files.map { ($0 as NSString).lastPathComponent } == ["astronaut.meta.json", "astronaut.timeline.jsonl"])
        try expectValid(run.files)
        let counts = try #require(try meta(run.files[0])["counts"] as? [String: Int])
        #expect(counts["records"] == 25 && counts["faces"]! > 15, "\(counts)")
    }

    @Test func astronautSmoothedWithHMM() throws {
        let run = try analyze([astronaut, "--fps", "5", "--smooth", "hmm"], into: "hmm")
        #expect(run.status == 0)
        try expectValid(run.files)
        let timeline = try String(contentsOfFile: run.files[1], encoding: .utf8)
        #expect(timeline.contains("\"smoothed\":{\"emotion\":"))
    }

    @Test func everyFrameOfAClipWithoutFaces() throws {
        let run = try analyze([Fixtures.shared.h264], into: "noface")
        #expect(run.status == 0)
        try expectValid(run.files)
        let counts = try #require(try meta(run.files[0])["counts"] as? [String: Int])
        #expect(counts["records"] == 75 && counts["faces"] == 0, "\(counts)")
    }

    @Test func textNamedMP4GivesAValidFailedMeta() throws {
        let fake = root + "/notes.mp4"
        try Data("These are notes, not a video.\n".utf8).write(to: URL(fileURLWithPath: fake))
        let run = try analyze([fake], into: "failed")
        #expect(run.status == 2)
        #expect(run.files.map { ($0 as NSString).lastPathComponent } == ["notes.meta.json"])
        try expectValid(run.files)
        let object = try meta(run.files[0])
        #expect(object["status"] as? String == "failed")
        for key in ["timeline", "probe", "models", "decode"] { #expect(object[key] is NSNull, "\(key)") }

        // The same file with a status the schema does not know must fail.
        let broken = root + "/broken.meta.json"
        let text = try String(contentsOfFile: run.files[0], encoding: .utf8)
        try text.replacingOccurrences(of: "\"status\" : \"failed\"", with: "\"status\" : \"done\"")
            .write(toFile: broken, atomically: true, encoding: .utf8)
        let result = try TimelineValidator.run([broken])
        #expect(result.status == 1 && result.text.contains("broken.meta.json:0: status: 'done' is not one of"), "\(result.text)")
    }
}

/// The validator rejects what the schema and its extra checks forbid, naming the line.
@Suite("the timeline validator catches broken records")
struct TimelineValidatorTests {
    static let good = #"{"t":0.2,"frame":5,"frame_t":0.2,"status":"ok","faces":[{"track":0,"box":[1,2,30,40],"score":0.99,"#
        + #""landmarks":[[1,2],[3,4],[5,6],[7,8],[9,10]],"emotion":"happy","confidence":0.7,"#
        + #""probs":{"angry":0.05,"disgust":0.05,"fear":0.05,"happy":0.7,"sad":0.05,"surprise":0.05,"neutral":0.05}}]}"#

    /// Broken variants of `good`: what to replace, with what, and a phrase the problem must contain.
    static let broken: [(change: String, to: String, problem: String)] = [
        (#""fear":0.05,"#, "", "'fear' is a required property"),
        ("[1,2,30,40]", "[1,2,30]", "faces/0/box: [1, 2, 30] is too short"),
        ("[1,2,30,40]", "[1,2,-30,40]", "faces/0/box/2: -30 is less than the minimum of 0"),
        ("[9,10]]", "[9,10],[11,12]]", "faces/0/landmarks: "),
        (#""ok""#, #""weird""#, "status: 'weird' is not one of"),
        (#""neutral":0.05"#, #""neutral":0.5"#, "faces/0: probs sum to 1.450000"),
        (#""emotion":"happy""#, #""emotion":"sad""#, "the arg-max of probs is happy"),
        (#""confidence":0.7"#, #""confidence":0.69"#, "confidence 0.69 is not probs[happy]"),
        (#""track":0"#, #""track":-1"#, "faces/0/track: -1 is less than the minimum of 0"),
        (#""score":0.99"#, #""score":0.99,"age":30"#, "Additional properties are not allowed ('age' was unexpected)"),
        (#""status":"ok""#, #""status":"failed""#, "'error' is a required property"),
    ]

    func validate(_ lines: [String]) throws -> Tool.Output {
        let path = NSTemporaryDirectory() + "mien-validator-\(getpid())-\(UUID().uuidString.prefix(8)).timeline.jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try lines.map { $0 + "\n" }.joined().write(toFile: path, atomically: true, encoding: .utf8)
        return try TimelineValidator.run([path])
    }

    @Test func goodRecordPasses() throws {
        let result = try validate([Self.good])
        #expect(result.status == 0, "\(result.text)\(result.stderr)")
    }

    @Test(arguments: broken.indices)
    func brokenRecordFailsNamingTheLine(_ index: Int) throws {
        let (change, replacement, problem) = Self.broken[index]
        #expect(Self.good.contains(change))
        let result = try validate([Self.good, Self.good.replacingOccurrences(of: change, with: replacement)])
        #expect(result.status == 1)
        #expect(result.text.contains(".timeline.jsonl:2: ") && result.text.contains(problem), "\(result.text)")
        #expect(!result.text.contains(".timeline.jsonl:1: "), "\(result.text)")
    }

    @Test func timeGoingBackFails() throws {
        let earlier = Self.good.replacingOccurrences(of: #""t":0.2"#, with: #""t":0.1"#)
        let result = try validate([Self.good, earlier])
        #expect(result.status == 1 && result.text.contains(":2: t 0.1 is earlier than the line before (0.2)"), "\(result.text)")
    }

    @Test func facesOutOfTrackOrderFail() throws {
        let face = String(Self.good.drop { $0 != "[" }.dropFirst().dropLast(2))  // the one face object
        let two = Self.good.replacingOccurrences(of: face, with: face.replacingOccurrences(of: #""track":0"#, with: #""track":1"#) + "," + face)
        let result = try validate([two])
        #expect(result.status == 1 && result.text.contains(":1: faces are not sorted by track: [1, 0]"), "\(result.text)")
    }
}
