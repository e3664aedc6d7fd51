import Foundation
import MienFace
import MienTestSupport
@testable import MienPipeline
import Testing

/// Job files and timelines whose numbers sit at the values that break
/// arithmetic (0, 1, 0xFFFF, 2^31 - 1, 2^31, 2^32 - 1, 2^63, huge, negative,
/// NaN, infinity, base-60 numbers such as 1:30 and ones too large for Int): each gives an `AnalysisError` naming the file and the
/// field, or a value every later step can use; never a trap.
@Suite("Crafted job files and timelines give clear errors, never a trap")
struct CraftedInputTests {
    static let numbers = ["0", "1", "0xFFFF", "2147483647", "2147483648", "4294967295", "9223372036854775807",
                          "9223372036854775808", "1e308", "1e309", "-1", "-9223372036854775809", ".nan", ".inf", "-.inf", "0.5",
                          "1:30", "9223372036854775807:1", "1:1:1:1:1:1:1:1:1:1:1"]

    static let jobKeys = ["fps", "min_face", "track_iou", "track_max_gap", "min_track_samples", "track_min_score"]

    @Test(arguments: jobKeys, numbers)
    func jobNumbers(key: String, value: String) {
        let text = "analysis:\n  \(key): \(value)\n"
        do {
            let job = try JobSpecification.parse(Data(text.utf8), path: "crafted.yaml")
            // Accepted values are in range, so sampling and tracking can use them as they are.
            try job.analysis.validate()
            if let fps = job.analysis.fps { #expect(fps > 0 && fps <= 1000) }
            #expect((try? JSONEncoder().encode(job.analysis)) != nil, "meta.json must hold the settings")
        } catch {
            #expect(error.code == .badJobFile)
            #expect(error.message.hasPrefix("crafted.yaml: "), "\(error)")
            #expect(error.message.contains(key) || error.message.contains("analysis"), "\(error) should name \(key)")
        }
    }

    @Test(arguments: ["ema", "window", "hmm"], numbers)
    func smoothingParameters(method: String, value: String) {
        let text = "analysis:\n  smooth: \"\(method):\(value)\"\n"
        do {
            let job = try JobSpecification.parse(Data(text.utf8), path: "crafted.yaml")
            #expect(job.analysis.smoothing.parameter?.isFinite == true)
        } catch {
            #expect(error.message.hasPrefix("crafted.yaml: "), "\(error)")
        }
    }

    @Test func aJobThatIsNotTextIsNamed() {
        #expect(throws: AnalysisError(.badJobFile, "x.yaml: the job file is not UTF-8 text")) {
            try JobSpecification.parse(Data([0xFF, 0xFE, 0x00]), path: "x.yaml")
        }
    }

    // MARK: - Timelines

    /// A timeline line with `t`, `frame` and the first face's `track` and first box value replaced.
    static func line(t: String = "0.2", frame: String = "5", track: String = "0", box: String = "10") -> String {
        let probs = #"{"angry":0.1,"disgust":0.1,"fear":0.1,"happy":0.4,"sad":0.1,"surprise":0.1,"neutral":0.1}"#
        let face = #"{"track":"# + track + #","box":["# + box + #",2,3,4],"score":0.9,"#
            + #""landmarks":[[1,2],[3,4],[5,6],[7,8],[9,10]],"emotion":"happy","confidence":0.4,"probs":"# + probs + "}"
        return #"{"t":"# + t + #","frame":"# + frame + #","frame_t":"# + t + #","status":"ok","faces":["# + face + "]}"
    }

    static let jsonNumbers = ["0", "1", "65535", "2147483647", "2147483648", "4294967295", "9223372036854775807",
                              "9223372036854775808", "-9223372036854775809", "1e308", "-1e308", "1e309", "-1", "1.5", "3.5e38"]

    @Test(arguments: jsonNumbers)
    func timelineNumbers(value: String) {
        for text in [Self.line(t: value), Self.line(frame: value), Self.line(track: value), Self.line(box: value)] {
            do {
                let records = try TimelineReader.records(in: Data((text + "\n").utf8), path: "crafted.timeline.jsonl")
                // What was read writes back as JSON and CSV with finite numbers only.
                let csv = TimelineCSV.text(records)
                #expect(!csv.contains("inf") && !csv.contains("nan"), "\(csv)")
                let json = String(decoding: TimelineFile.data(records), as: UTF8.self)
                #expect(!json.contains("inf") && !json.contains("nan"), "\(json)")
            } catch {
                #expect(error.message.hasPrefix("crafted.timeline.jsonl: line 1 "), "\(error)")
            }
        }
    }

    @Test func numbersThatDoNotFitTheirFieldAreNamed() throws {
        let cases = [
            (Self.line(track: "9223372036854775808"), "faces.0.track: 9223372036854775808 does not fit a 64-bit integer"),
            (Self.line(t: "1e309"), "not JSON: Number 1e309 is not representable in Swift."),
            (Self.line().replacingOccurrences(of: #""happy":0.4"#, with: #""happy":3.5e38"#),
             "faces.0.probs.happy: 3.5e+38 does not fit a 32-bit float"),
            (String(Self.line().dropLast()), "not JSON: Unexpected end of file during JSON parse."),
        ]
        for (text, reason) in cases {
            #expect(throws: AnalysisError(.badTimeline, "t.jsonl: line 1 is not a timeline record: \(reason)")) {
                try TimelineReader.records(in: Data(text.utf8), path: "t.jsonl")
            }
        }
    }

    @Test func hugeNumbersWriteAsJSONNumbers() {
        #expect(JSONLine.number(1e308, decimals: 6) == "1e+308")
        #expect(JSONLine.number(-1.7976931348623157e308, decimals: 2) == "-1.7976931348623157e+308")
        #expect(JSONLine.number(0x1p53 + 2, decimals: 6) == "9.007199254740994e+15")
        #expect(JSONLine.number(123.4567891, decimals: 6) == "123.456789")
    }

    /// A timeline file in a temporary folder; removed by the caller.
    static func file(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "mien-crafted-timeline-\(getpid())-\(UUID().uuidString).jsonl"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(arguments: Array(1...12) + [64, 1 << 16])
    func theReaderFindsEveryLineWhateverTheChunkSize(chunk: Int) throws {
        let good = Self.line()
        let text = good + "\n\n  \r\n" + good + "\r\n" + Self.line(t: "0.4") + "\n" + Self.line(t: "0.6")  // no final newline
        let path = try Self.file(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try TimelineReader(path: path, chunkBytes: chunk)
        var times: [Double] = []
        while let record = try reader.next() { times.append(record.t) }
        #expect(times == [0.2, 0.2, 0.4, 0.6])
        #expect(try TimelineReader.records(in: Data(text.utf8), path: path).map(\.t) == times)
    }

    @Test func aBadLineIsNamedWhateverTheChunkSize() throws {
        let path = try Self.file(Self.line() + "\n\n" + Self.line(frame: "1.5") + "\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try TimelineReader(path: path, chunkBytes: 5)
        _ = try reader.next()
        #expect {
            try reader.next()
        } throws: { error in
            let message = (error as? AnalysisError)?.message ?? ""
            return message == path + ": line 3 is not a timeline record: frame: 1.5 does not fit a 64-bit integer"
        }
    }

    @Test func aLineWithoutEndIsRefusedBeforeItFillsMemory() throws {
        let path = try Self.file(Self.line() + "\n" + String(repeating: " 1", count: TimelineReader.maxLineBytes / 2 + 1))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try TimelineReader(path: path)
        _ = try reader.next()
        #expect(throws: AnalysisError(.badTimeline, "\(path): line 2 is longer than 16 MiB; not a timeline record")) {
            try reader.next()
        }
    }

    @Test func aFolderOrAMissingFileIsNamed() {
        #expect(throws: AnalysisError(.badTimeline, "/nonexistent/x.timeline.jsonl: no such file")) {
            try TimelineReader(path: "/nonexistent/x.timeline.jsonl")
        }
        #expect(throws: AnalysisError(.badTimeline, "/tmp: cannot read it")) { try TimelineReader(path: "/tmp") }
    }

    // MARK: - The fuzz targets' seeds

    /// Every committed seed of `FuzzJob` and `FuzzTimeline` goes through the
    /// same steps; the real job files and timelines among them must be accepted.
    @Test func everyFuzzSeedIsReadOrRefusedByName() throws {
        for kind in ["job", "timeline"] {
            let folder = RepositoryFiles.path("Fuzz/Seeds/\(kind)")
            let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
            #expect(names.count >= 3)
            for name in names {
                let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
                let valid = !name.hasPrefix("crash-") && name != "flow.yaml"  // flow.yaml holds track_max_gap: .inf
                do {
                    if kind == "job" {
                        _ = try JobSpecification.parse(data, path: name)
                    } else {
                        let records = try TimelineReader.records(in: data, path: name)
                        #expect(!TimelineCSV.text(records).isEmpty)
                    }
                    #expect(valid, "\(name) was accepted")
                } catch {
                    #expect(!valid, "\(name): \(error)")
                    #expect(error.message.hasPrefix(name + ": "), "\(error)")
                }
            }
        }
    }
}
