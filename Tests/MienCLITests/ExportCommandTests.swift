import Foundation
import MienTestSupport
import Testing

/// `mien export --csv` on small hand-written timelines.
@Suite("mien export, run as a user would")
final class ExportCommandTests {
    let scratch: ScratchFolder
    var root: String { scratch.path }

    init() throws {
        scratch = try ScratchFolder("mien-export")
    }

    static let probs = #"{"angry":0.05,"disgust":0.05,"fear":0.05,"happy":0.7,"sad":0.05,"surprise":0.05,"neutral":0.05}"#
    static let probsCSV = "0.05,0.05,0.05,0.7,0.05,0.05,0.05"
    static let landmarks = "[[1,2],[3,4],[5,6],[7,8],[9,10]]"
    static let landmarksCSV = "1,2,3,4,5,6,7,8,9,10"

    static func face(track: Int, smoothed: Bool = false) -> String {
        #"{"track":\#(track),"box":[10.5,-2,30,40],"score":0.99,"landmarks":\#(landmarks),"#
            + #""emotion":"happy","confidence":0.7,"probs":\#(probs)"#
            + (smoothed ? #","smoothed":{"emotion":"sad","probs":\#(probs)}}"# : "}")
    }

    /// Two faces at t=0, none at t=0.2, an undecodable timestamp at t=0.4.
    static func timeline(smoothed: Bool) -> String {
        let faces = [face(track: 0, smoothed: smoothed), face(track: 1, smoothed: smoothed)].joined(separator: ",")
        return #"{"t":0,"frame":0,"frame_t":0,"status":"ok","faces":[\#(faces)]}"# + "\n"
            + #"{"t":0.2,"frame":5,"frame_t":0.16,"status":"ok","faces":[]}"# + "\n"
            + #"{"t":0.4,"frame":null,"frame_t":null,"status":"undecodable","error":"cut off","faces":[]}"# + "\n"
    }

    static let emotions = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]
    static let landmarkColumns = ["left_eye", "right_eye", "nose", "mouth_left", "mouth_right"].flatMap { [$0 + "_x", $0 + "_y"] }

    func rows(_ output: Tool.Output) -> [[String]] {
        output.text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func oneRowPerFacePerTimestampAndOneForATimestampWithout() throws {
        let output = try MienBinary.run(["export", "--csv", try scratch.write(Self.timeline(smoothed: false), "plain.timeline.jsonl")])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.text.hasSuffix("\n"))
        let rows = rows(output)
        let header = ["t", "frame", "frame_t", "status", "track", "x", "y", "w", "h", "score", "emotion", "confidence"]
            + Self.emotions.map { "p_" + $0 } + Self.landmarkColumns
        #expect(rows.first == header)
        #expect(rows.count == 5)
        #expect(rows.allSatisfy { $0.count == header.count })
        let face = "10.5,-2,30,40,0.99,happy,0.7,\(Self.probsCSV),\(Self.landmarksCSV)"
        #expect(rows[1].joined(separator: ",") == "0,0,0,ok,0,\(face)")
        #expect(rows[2].joined(separator: ",") == "0,0,0,ok,1,\(face)")
        #expect(rows[3] == ["0.2", "5", "0.16", "ok"] + Array(repeating: "", count: header.count - 4))
        #expect(rows[4] == ["0.4", "", "", "undecodable"] + Array(repeating: "", count: header.count - 4))
    }

    @Test func smoothedColumnsOnlyWhenSmoothed() throws {
        let output = try MienBinary.run(["export", "--csv", try scratch.write(Self.timeline(smoothed: true), "smooth.timeline.jsonl")])
        #expect(output.status == 0, "\(output.stderr)")
        let rows = rows(output)
        let smoothed = ["smoothed_emotion"] + Self.emotions.map { "s_" + $0 }
        let at = try #require(rows.first?.firstIndex(of: "smoothed_emotion"))
        #expect(Array(rows[0][at..<at + 8]) == smoothed)
        #expect(rows[0][at - 1] == "p_neutral" && rows[0][at + 8] == "left_eye_x")
        #expect(rows[1][at..<at + 8].joined(separator: ",") == "sad,\(Self.probsCSV)")
        #expect(rows.allSatisfy { $0.count == rows[0].count })
    }

    @Test func outputOptionWritesTheFile() throws {
        let timeline = try scratch.write(Self.timeline(smoothed: false), "plain.timeline.jsonl")
        let file = root + "/out.csv"
        let output = try MienBinary.run(["export", "--csv", "-o", file, timeline])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.isEmpty)
        let stdout = try MienBinary.run(["export", "--csv", timeline]).text
        #expect(try String(contentsOfFile: file, encoding: .utf8) == stdout)
    }

    @Test func badLineIsNamedWithItsNumber() throws {
        let text = Self.timeline(smoothed: false) + #"{"t":1,"frame":25,"frame_t":1,"status":"ok","faces":[{"track":0}]}"# + "\n"
        let path = try scratch.write(text, "bad.timeline.jsonl")
        let output = try MienBinary.run(["export", "--csv", path])
        #expect(output.status == 1)
        #expect(output.stdout.isEmpty)
        #expect(output.stderr.contains("\(path): line 4 is not a timeline record: missing faces.0.box"), "\(output.stderr)")
    }

    @Test(arguments: [("[10.5,-2,30,40]", "[10.5,-2,30]", "faces.0.box: box has 3 numbers, not 4"),
                      ("[9,10]]", "[9,10],[11,12]]", "faces.0.landmarks: landmarks must be 5 [x, y] points")])
    func misshapenFaceIsRefusedRatherThanShiftingColumns(change: String, to replacement: String, problem: String) throws {
        let lines = Self.timeline(smoothed: false).split(separator: "\n").map(String.init)
        let broken = lines[0].replacingOccurrences(of: change, with: replacement)
        let path = try scratch.write(([broken] + lines.dropFirst()).joined(separator: "\n") + "\n", "misshapen.timeline.jsonl")
        let output = try MienBinary.run(["export", "--csv", path])
        #expect(output.status == 1)
        #expect(output.stderr.contains("\(path): line 1 is not a timeline record: \(problem)"), "\(output.stderr)")
    }

    @Test func missingFileIsNamed() throws {
        let path = root + "/none.timeline.jsonl"
        let output = try MienBinary.run(["export", "--csv", path, "-o", root + "/none.csv"])
        #expect(output.status == 1)
        #expect(output.stderr.contains("\(path): no such file"), "\(output.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root + "/none.csv"))
    }

    @Test func formatIsRequired() throws {
        let output = try MienBinary.run(["export", try scratch.write(Self.timeline(smoothed: false), "plain.timeline.jsonl")])
        #expect(output.status == 64 && output.stderr.contains("Choose a format: --csv."))
    }
}
