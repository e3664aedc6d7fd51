import Foundation
import MienTestSupport
import Testing

@Suite("mien analyze, run as a user would")
struct AnalyzeCommandTests {
    let fx = Fixtures.shared
    let out: String

    init() throws {
        out = FileManager.default.temporaryDirectory.appendingPathComponent("mien-analyze-\(getpid())-\(UUID().uuidString)").path
    }

    func lines(_ path: String) throws -> [[String: Any]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    func meta(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: out + "/" + name + ".meta.json"))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    static func faces(_ record: [String: Any]) -> [[String: Any]] { record["faces"] as? [[String: Any]] ?? [] }

    @Test func theSampleGivesARecordPerGridTimeWithOneTrackedFace() throws {
        defer { try? FileManager.default.removeItem(atPath: out) }
        let run = try MienBinary.run(["analyze", "--fps", "5", RepositoryFiles.astronautClip, "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        let records = try lines(out + "/astronaut.timeline.jsonl")
        // 5 s at 5 per second: t = 0, 0.2, ... 4.8.
        #expect(records.map { $0["t"] as! Double } == (0..<25).map { Double($0) / 5 })
        #expect(records.allSatisfy { $0["status"] as? String == "ok" })
        #expect(records.map { $0["frame"] as? Int } == (0..<25).map { $0 * 5 })
        // Black from 3.0 s to 3.6 s: records at 3.0, 3.2, 3.4 have no face; every other one has one.
        let withFace = records.filter { Self.faces($0).count == 1 }.map { $0["t"] as! Double }
        #expect(withFace == records.map { $0["t"] as! Double }.filter { !($0 >= 2.99 && $0 < 3.59) })
        // The face is hidden for 0.6 s (< 1 s), so it keeps track 0.
        #expect(Set(records.flatMap { Self.faces($0).map { $0["track"] as! Int } }) == [0])
        let face = Self.faces(records[0])[0]
        let probs = face["probs"] as! [String: Double]
        #expect(probs.keys.sorted() == ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"])
        #expect(abs(probs.values.reduce(0, +) - 1) < 1e-4)
        #expect(face["smoothed"] == nil, "no smoothing asked for")
        let meta = try meta("astronaut")
        #expect(meta["status"] as? String == "complete" && meta["timeline"] as? String == "astronaut.timeline.jsonl")
        #expect((meta["counts"] as? [String: Int])?["records"] == 25)
        #expect(run.stderr.contains("1 complete") && run.stderr.contains("x real time"))
    }

    @Test func everyFrameByDefaultAndSmoothingAddsSmoothed() throws {
        defer { try? FileManager.default.removeItem(atPath: out) }
        let run = try MienBinary.run(["analyze", "--smooth", "ema:0.5", "--min-face", "40", RepositoryFiles.astronautClip, "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        let records = try lines(out + "/astronaut.timeline.jsonl")
        #expect(records.count == 125)
        #expect(records.map { $0["frame"] as? Int } == Array(0..<125))
        let faces = records.flatMap(Self.faces)
        #expect(!faces.isEmpty && faces.allSatisfy { ($0["smoothed"] as? [String: Any])?["probs"] != nil })
        let settings = try meta("astronaut")["settings"] as! [String: Any]
        #expect(settings["smooth"] as? String == "ema:0.5" && settings["min_face"] as? Int == 40)
        #expect(settings["fps"] is NSNull)
    }

    @Test func badInputsAreReportedAndTheGoodOnesComplete() throws {
        defer { try? FileManager.default.removeItem(atPath: out) }
        let missing = fx.path("not-there.mp4")
        let run = try MienBinary.run(["analyze", "--fps", "2", fx.text, fx.noise, fx.h264, missing, fx.empty,
                                      fx.truncatedIndexFirst, fx.jpeg, "--out", out])
        #expect(run.status == 2, "some inputs failed: \(run.stderr)")
        for (name, code) in [("notes", "not_media"), ("noise", "not_media"), ("not-there", "not_found"),
                             ("empty", "empty_file"), ("truncated_faststart", "truncated")] {
            let meta = try meta(name)
            #expect(meta["status"] as? String == "failed", "\(name)")
            #expect((meta["error"] as? [String: Any])?["code"] as? String == code, "\(name): \(meta["error"] ?? "none")")
            #expect(!FileManager.default.fileExists(atPath: out + "/" + name + ".timeline.jsonl"))
            #expect(run.stderr.contains(name), "the summary names \(name)")
        }
        #expect(try meta("h264_bframes")["status"] as? String == "complete")
        #expect(try lines(out + "/h264_bframes.timeline.jsonl").count == 6)  // 3 s at 2 per second
        let still = try lines(out + "/still.timeline.jsonl")
        #expect(still.count == 1 && still[0]["t"] as? Double == 0)
        #expect(run.stderr.contains("2 complete, 0 partial, 5 failed"))
    }

    @Test func damagedDataInTheMiddleMakesAPartialTimeline() throws {
        defer { try? FileManager.default.removeItem(atPath: out) }
        let run = try MienBinary.run(["analyze", "--fps", "5", fx.corruptMiddle, "--out", out])
        #expect(run.status == 2, "\(run.stderr)")
        let meta = try meta("corrupt_middle")
        #expect(meta["status"] as? String == "partial")
        let error = meta["error"] as? [String: Any]
        #expect(error?["code"] as? String == "partial" && (error?["message"] as? String)?.contains("skipped") == true, "\(error ?? [:])")
        #expect(!(try lines(out + "/corrupt_middle.timeline.jsonl")).isEmpty, "the frames that could be read are kept")
        #expect(run.stderr.contains("0 complete, 1 partial, 0 failed"))
    }

    /// Shards given up in one run are tried again when the same command runs
    /// again, so a failure that has passed is mended by rerunning it. Here
    /// the workers of the first run find the input zeroed (as if the disk had
    /// failed under them; its size and time are kept, so it is the same job),
    /// and the file is whole again before the rerun.
    @Test func aRerunTriesTheShardsGivenUpAgain() throws {
        defer { try? FileManager.default.removeItem(atPath: out) }
        let folder = out + "/in"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let clip = folder + "/clip.mp4"
        try FileManager.default.copyItem(atPath: fx.h264, toPath: clip)
        let whole = try Data(contentsOf: URL(fileURLWithPath: clip))
        let modified = try #require(try FileManager.default.attributesOfItem(atPath: clip)[.modificationDate] as? Date)
        let wrapper = out + "/zero-then-work.sh"
        try "#!/bin/sh\nhead -c \(whole.count) /dev/zero > '\(clip)'\nexec '\(MienBinary.path)' \"$@\"\n"
            .write(toFile: wrapper, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: wrapper)
        let arguments = ["analyze", "--fps", "2", "--max-attempts", "1", clip, "--out", out]

        let failed = try Tool.run("/usr/bin/env", ["MIEN_WORKER_EXECUTABLE=" + wrapper, MienBinary.path] + arguments)
        #expect(failed.status == 2, "\(failed.stderr)")
        let failure = try meta("clip")
        let message = (failure["error"] as? [String: Any])?["message"] as? String ?? ""
        #expect(failure["status"] as? String == "failed" && message.contains("not a media file"), "\(failure)")
        #expect(message.hasPrefix(clip + ": ") && message.components(separatedBy: clip).count == 2, "named once: \(message)")

        try whole.write(to: URL(fileURLWithPath: clip))
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: clip)
        let rerun = try MienBinary.run(arguments)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stderr.contains("resuming job") && rerun.stderr.contains("given up in an earlier run"), "\(rerun.stderr)")
        #expect(try meta("clip")["status"] as? String == "complete")
        #expect(try lines(out + "/clip.timeline.jsonl").count == 6)  // 3 s at 2 per second

        let again = try MienBinary.run(arguments)
        #expect(again.status == 0 && !again.stderr.contains("given up"), "nothing left to try again: \(again.stderr)")
    }

    /// A rerun with other model weights (Mien upgraded, a model retrained) is
    /// a new job: it resumed the finished one and gave the old weights' timeline back.
    @Test func aRerunWithOtherWeightsAnalysesAgain() throws {
        defer { try? FileManager.default.removeItem(atPath: out) }
        let models = out + "/models"
        try FileManager.default.createDirectory(atPath: models, withIntermediateDirectories: true)
        for name in ["yunet_s.safetensors", "expression_net.safetensors", "expression_net.int8.json", "mini_xception.safetensors"] {
            try FileManager.default.copyItem(atPath: RepositoryFiles.path("Models/" + name), toPath: models + "/" + name)
        }
        let arguments = ["MIEN_MODELS=" + models, MienBinary.path, "analyze", "--fps", "1", RepositoryFiles.astronautClip, "--out", out]
        let first = try Tool.run("/usr/bin/env", arguments)
        #expect(first.status == 0 && !first.stderr.contains("resuming"), "\(first.stderr)")
        let same = try Tool.run("/usr/bin/env", arguments)
        #expect(same.status == 0 && same.stderr.contains("resuming job"), "the same files: the same job. \(same.stderr)")

        try ModelWeightsTests.nudgeLastWeight(models + "/expression_net.safetensors")
        let other = try Tool.run("/usr/bin/env", arguments)
        #expect(other.status == 0, "\(other.stderr)")
        #expect(!other.stderr.contains("resuming") && !other.stderr.contains("done by an earlier run"), "\(other.stderr)")
        #expect(try meta("astronaut")["status"] as? String == "complete")
    }

    /// A Matroska file cut off while recording: partial, the missing half's
    /// grid times undecodable, the reason named (it said complete, and the
    /// timeline just stopped halfway).
    @Test func aFileCutOffIsPartialWithItsMissingTimesUndecodable() throws {
        defer { try? FileManager.default.removeItem(atPath: out) }
        let run = try MienBinary.run(["analyze", "--fps", "5", fx.truncatedMKV, "--out", out])
        #expect(run.status == 2, "\(run.stderr)")
        let meta = try meta("truncated")
        #expect(meta["status"] as? String == "partial")
        let message = (meta["error"] as? [String: Any])?["message"] as? String ?? ""
        #expect(message.contains("the file was cut off"), "\(message)")
        let records = try lines(out + "/truncated.timeline.jsonl")
        #expect(records.count == 20, "every grid time of the header's 4 s")
        let undecodable = records.filter { $0["status"] as? String == "undecodable" }
        #expect(undecodable.count >= 5 && undecodable.count < 20)
        #expect(records.suffix(undecodable.count).allSatisfy { $0["status"] as? String == "undecodable" }, "the tail")
    }

    /// One of two video streams is analysed; the user is told which.
    @Test func aSecondVideoStreamIsNamedAsLeftOut() throws {
        defer { try? FileManager.default.removeItem(atPath: out) }
        let run = try MienBinary.run(["analyze", "--fps", "2", fx.twoCameras, "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("warning: \(fx.twoCameras): it has 2 video streams; only stream #"), "\(run.stderr)")
        let single = try MienBinary.run(["analyze", "--fps", "2", fx.hevc, "--out", out])
        #expect(!single.stderr.contains("video streams"), "\(single.stderr)")
    }

    /// `--video-stream N` reads the N-th video stream (from 0), through the workers too.
    @Test func theVideoStreamAskedForIsAnalysed() throws {
        defer { try? FileManager.default.removeItem(atPath: out) }
        let run = try MienBinary.run(["analyze", "--fps", "2", "--video-stream", "1", fx.twoCameras, "--out", out])
        #expect(run.status == 0 && !run.stderr.contains("video streams"), "\(run.stderr)")
        let probe = try meta("two_cameras")["probe"] as? [String: Any]
        #expect(probe?["width"] as? Int == 64 && probe?["stream_index"] as? Int == 1, "\(probe ?? [:])")
        let missing = try MienBinary.run(["analyze", "--video-stream", "2", fx.twoCameras, "--out", out])
        #expect(missing.status != 0 && missing.stderr.contains("no video stream 2: the file has 2"), "\(missing.stderr)")
        let negative = try MienBinary.run(["probe", "--video-stream=-1", fx.twoCameras])
        #expect(negative.status != 0 && negative.stderr.contains("--video-stream must be 0 or more"), "\(negative.stderr)")
    }

    @Test func aFolderIsExpandedAndSameNamesDoNotCollide() throws {
        defer { try? FileManager.default.removeItem(atPath: out) }
        let input = out + "-in"
        defer { try? FileManager.default.removeItem(atPath: input) }
        for sub in ["a", "b"] {
            try FileManager.default.createDirectory(atPath: input + "/" + sub, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: fx.jpeg, toPath: input + "/" + sub + "/photo.jpg")
        }
        let run = try MienBinary.run(["analyze", input, "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        let metas = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".meta.json") }
        #expect(metas.count == 2 && metas.allSatisfy { $0.hasPrefix("photo-") })
    }

    @Test func optionsAndJobFilesAreChecked() throws {
        defer { try? FileManager.default.removeItem(atPath: out) }
        let both = try MienBinary.run(["analyze", "--fps", "5", "--every-frame", fx.jpeg, "--out", out])
        #expect(both.status == 64 && both.stderr.contains("--every-frame"))
        let smooth = try MienBinary.run(["analyze", "--smooth", "kalman", fx.jpeg, "--out", out])
        #expect(smooth.status != 0 && smooth.stderr.contains("kalman"))
        let job = out + "-job.yaml"
        defer { try? FileManager.default.removeItem(atPath: job) }
        try Data("analysis:\n  fsp: 5\n".utf8).write(to: URL(fileURLWithPath: job))
        let badJob = try MienBinary.run(["analyze", "--job", job, fx.jpeg, "--out", out])
        #expect(badJob.status == 1 && badJob.stderr.contains(job) && badJob.stderr.contains("fsp"))
        let classifier = try MienBinary.run(["analyze", "--classifier", "nope", fx.jpeg, "--out", out])
        #expect(classifier.status == 1 && classifier.stderr.contains("nope"))
        let empty = try MienBinary.run(["analyze", "--out", out, out + "-no-such-folder/"])
        #expect(empty.status == 2, "a missing input is a failed input: \(empty.stderr)")
    }

    /// Samples 2 s apart outlast the default 1 s track gap: without a wider
    /// gap every face is a new track at every sample, so the run says so.
    @Test func aSparseRateNeedsAWiderTrackGap() throws {
        defer { try? FileManager.default.removeItem(atPath: out) }
        let sparse = try MienBinary.run(["analyze", "--fps", "0.5", RepositoryFiles.astronautClip, "--out", out])
        #expect(sparse.status == 0 && sparse.stderr.contains("warning: samples are 2 s apart"), "\(sparse.stderr)")
        let tracks = Set(try lines(out + "/astronaut.timeline.jsonl").flatMap { Self.faces($0).map { $0["track"] as! Int } })
        #expect(tracks.count > 1, "a new track at every sample: \(tracks)")
        let followed = try MienBinary.run(["analyze", "--fps", "0.5", "--track-max-gap", "4", RepositoryFiles.astronautClip, "--out", out])
        #expect(followed.status == 0 && !followed.stderr.contains("warning"), "\(followed.stderr)")
        let one = Set(try lines(out + "/astronaut.timeline.jsonl").flatMap { Self.faces($0).map { $0["track"] as! Int } })
        #expect(one == [0], "one face followed: \(one)")
        let bad = try MienBinary.run(["analyze", "--track-max-gap=-1", RepositoryFiles.astronautClip, "--out", out])
        #expect(bad.status == 1 && bad.stderr.contains("track_max_gap"), "\(bad.stderr)")
    }

    /// MIEN_MODELS names the weights to use: a folder without them is an
    /// error, never a silent fall back to the checkout's Models.
    @Test func aModelFolderWithoutWeightsIsAnError() throws {
        defer { try? FileManager.default.removeItem(atPath: out) }
        try FileManager.default.createDirectory(atPath: out + "/models", withIntermediateDirectories: true)
        let run = try Tool.run("/usr/bin/env", ["MIEN_MODELS=" + out + "/models", MienBinary.path, "analyze", fx.jpeg, "--out", out])
        #expect(run.status == 1 && run.stderr.contains("MIEN_MODELS=\(out)/models: no model weights there"), "\(run.stderr)")
    }

    @Test func aJobFileSetsTheRateAndOptionsOverrideIt() throws {
        defer { try? FileManager.default.removeItem(atPath: out) }
        let run = try MienBinary.run(["analyze", "--job", RepositoryFiles.path("Jobs/in-car.yaml"), "--fps", "4",
                                      fx.h264, "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        let settings = try meta("h264_bframes")["settings"] as! [String: Any]
        #expect(settings["fps"] as? Double == 4 && settings["min_face"] as? Int == 80 && settings["smooth"] as? String == "ema:0.5")
        #expect(try lines(out + "/h264_bframes.timeline.jsonl").count == 12)
    }

    @Test func exportFlattensToOneRowPerFaceOrTimestamp() throws {
        defer { try? FileManager.default.removeItem(atPath: out) }
        #expect(try MienBinary.run(["analyze", "--fps", "5", RepositoryFiles.astronautClip, "--out", out]).status == 0)
        let csv = try MienBinary.run(["export", "--csv", out + "/astronaut.timeline.jsonl"])
        #expect(csv.status == 0, "\(csv.stderr)")
        let rows = csv.text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(rows.first?.hasPrefix("t,frame,frame_t,status,track,x,y,w,h,score,emotion,confidence,p_angry,") == true)
        #expect(rows.count == 1 + 25)
        #expect(rows.filter { $0.hasPrefix("3.2,") }.first?.contains("ok,,,") == true, "the faceless timestamp has empty face columns")
    }

    /// Every video of a smoothed run exports the same columns, one without
    /// faces included (R's rbind, DuckDB's read_csv of a glob go by position):
    /// the meta file's settings decide, not whether some face is smoothed.
    @Test func exportColumnsFollowTheRunsSettings() throws {
        defer { try? FileManager.default.removeItem(atPath: out) }
        let run = try MienBinary.run(["analyze", "--fps", "5", "--smooth", "ema:0.5", fx.h264, "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        let timeline = out + "/h264_bframes.timeline.jsonl"
        let header = { (path: String) in try MienBinary.run(["export", "--csv", path]).text.split(separator: "\n").first.map(String.init) }
        let smoothedHeader = TimelineHeader.smoothed
        #expect(try header(timeline) == smoothedHeader, "no face, but a smoothed run")
        let alone = out + "/alone/h264_bframes.timeline.jsonl"      // no meta file beside it: the faces decide
        try FileManager.default.createDirectory(atPath: out + "/alone", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: timeline, toPath: alone)
        #expect(try header(alone)?.contains("smoothed_emotion") == false)
    }
}

/// The CSV header `mien export` writes for a smoothed timeline.
enum TimelineHeader {
    static let emotions = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]
    static let smoothed = (["t", "frame", "frame_t", "status", "track", "x", "y", "w", "h", "score", "emotion", "confidence"]
        + emotions.map { "p_" + $0 } + ["smoothed_emotion"] + emotions.map { "s_" + $0 }
        + ["left_eye", "right_eye", "nose", "mouth_left", "mouth_right"].flatMap { [$0 + "_x", $0 + "_y"] }).joined(separator: ",")
}
