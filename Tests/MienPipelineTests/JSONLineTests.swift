import Foundation
import MienFace
@testable import MienPipeline
import Testing

@Suite("Timeline lines: fixed field order, compact numbers, read back")
struct JSONLineTests {
    static let probs: [Float] = [0.01, 0.0, 0.02, 0.9, 0.03, 0.01, 0.03]

    static func face(track: Int = 0, smoothed: Bool = false) -> FaceRecord {
        FaceRecord(track: track, box: [10.123, 20.5, 30, 40.009], score: 0.9999912,
                   landmarks: (0..<5).map { [Double($0) + 0.004, 2.5] }, probs: probs,
                   smoothed: smoothed ? SmoothedEmotion(emotion: .happy, probs: probs) : nil)
    }

    @Test func numbersAreRoundedAndShort() {
        #expect(JSONLine.number(0.2, decimals: 6) == "0.2")
        #expect(JSONLine.number(5.0, decimals: 6) == "5")
        #expect(JSONLine.number(1.0 / 3.0, decimals: 2) == "0.33")
        #expect(JSONLine.number(-0.0001, decimals: 2) == "0")
        #expect(JSONLine.number(.nan, decimals: 2) == "0")
        #expect(JSONLine.number(Float(0.1)) == "0.1")
        #expect(JSONLine.number(Float(1)) == "1")
    }

    @Test func stringsAreEscaped() {
        #expect(JSONLine.quoted("a\"b\\c\nd\u{01}") == "\"a\\\"b\\\\c\\nd\\u0001\"")
        let decoded = try? JSONSerialization.jsonObject(with: Data(JSONLine.quoted("x\"\u{1f}é").utf8), options: .fragmentsAllowed)
        #expect(decoded as? String == "x\"\u{1f}é")
    }

    @Test func fieldsComeInSchemaOrder() {
        let record = FrameRecord(t: 0.2, frame: 5, frameTime: 0.2, status: .ok, faces: [Self.face(smoothed: true)])
        let line = record.jsonLine()
        #expect(line.hasPrefix(#"{"t":0.2,"frame":5,"frame_t":0.2,"status":"ok","faces":[{"track":0,"box":[10.12,20.5,30,40.01],"score":0.99999,"#))
        let keys = ["\"landmarks\"", "\"emotion\":\"happy\"", "\"confidence\"", "\"probs\":{\"angry\"", "\"smoothed\""]
        let positions = keys.map { line.range(of: $0)!.lowerBound }
        #expect(positions == positions.sorted())
        #expect(!line.contains("\n"))
    }

    @Test func undecodableRecordsCarryNullsAndTheirError() {
        let line = FrameRecord(t: 1.4, frame: nil, frameTime: nil, status: .undecodable, error: "cut off").jsonLine()
        #expect(line == #"{"t":1.4,"frame":null,"frame_t":null,"status":"undecodable","error":"cut off","faces":[]}"#)
    }

    @Test func emotionAndConfidenceComeFromTheProbabilities() {
        let face = Self.face()
        #expect(face.emotion == .happy && face.confidence == 0.9)
        let tie = FaceRecord(track: 0, box: [0, 0, 1, 1], score: 1, landmarks: [], probs: [0.5, 0.5, 0, 0, 0, 0, 0])
        #expect(tie.emotion == .angry)
    }

    @Test func linesReadBackToTheSameRecords() throws {
        let records = [
            FrameRecord(t: 0, frame: 0, frameTime: 0, status: .ok, faces: [Self.face(track: 0), Self.face(track: 1, smoothed: true)]),
            FrameRecord(t: 0.5, frame: 12, frameTime: 0.48, status: .damaged),
            FrameRecord(t: 1, frame: nil, frameTime: nil, status: .failed, error: "bad pixels"),
        ]
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mien-jsonline-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/a.timeline.jsonl"
        try AtomicFile.write(TimelineFile.data(records), to: path)
        let back = try TimelineFile.read(path)
        #expect(back.count == 3)
        #expect(back[0].faces[1].smoothed?.probs == Self.probs)
        #expect(back[0].faces[0].box == [10.12, 20.5, 30, 40.01])
        #expect(back[1].status == .damaged && back[1].frameTime == 0.48)
        #expect(back[2].error == "bad pixels" && back[2].frame == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["a.timeline.jsonl"], "no temporary file left")
    }

    @Test func aBadLineIsNamedByFileAndNumber() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mien-badline-\(getpid()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let good = FrameRecord(t: 0, frame: 0, frameTime: 0, status: .ok, faces: [Self.face()]).jsonLine()
        let missingFear = good.replacingOccurrences(of: #""fear":0.02,"#, with: "")
        try Data((good + "\n" + missingFear + "\n").utf8).write(to: URL(fileURLWithPath: path))
        #expect {
            try TimelineFile.read(path)
        } throws: { error in
            let message = (error as? AnalysisError)?.message ?? ""
            return message.contains(path) && message.contains("line 2") && message.contains("fear")
        }
    }

    @Test func aMissingFileIsAnError() {
        #expect(throws: AnalysisError.self) { try TimelineFile.read("/nonexistent/x.timeline.jsonl") }
    }
}
