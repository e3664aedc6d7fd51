import Foundation
import MienTestSupport
import Testing

/// The coordinator and workers run as a user (or a cluster) would: sharding,
/// crashes, stalls, poison inputs, resuming. The submit/worker/collect tests
/// run against both stores; `analyze` always uses its embedded SQLite store.
@Suite("jobs: submit, worker, status, collect", .serialized)
struct JobCommandTests {
    let fx = Fixtures.shared
    let root: String

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("mien-jobs-\(getpid())-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    /// The store of the current test (`--store` URL); SQLite unless a test picks a kind.
    var store: String { storeURL ?? "sqlite:" + root + "/jobs.sqlite" }
    private var storeURL: String?

    /// Uses a fresh store of `kind` for the rest of the test.
    mutating func use(_ kind: CLIStoreKind) throws {
        storeURL = try kind.freshURL(in: root)
    }

    func timeline(_ folder: String, _ name: String = "astronaut") throws -> String {
        try String(contentsOfFile: folder + "/" + name + ".timeline.jsonl", encoding: .utf8)
    }

    func status(_ job: String) throws -> [String: Any] {
        let run = try MienBinary.run(["status", "--store", store, "--json", job])
        guard let object = try? JSONSerialization.jsonObject(with: run.stdout) as? [String: Any] else {
            Issue.record("mien status failed: \(run.stderr)")
            return [:]
        }
        return object
    }

    /// The undisturbed reference: one worker, one shard.
    func reference(fps: String = "5") throws -> String {
        let out = root + "/reference"
        let run = try MienBinary.run(["analyze", "--fps", fps, "--workers", "1", "--shard-seconds", "1000",
                                      RepositoryFiles.astronautClip, "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        return try timeline(out)
    }

    func submit(_ extra: [String] = [], _ inputs: [String]) throws -> String {
        let run = try MienBinary.run(["submit", "--store", store] + extra + inputs)
        #expect(run.status == 0, "\(run.stderr)")
        return run.text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func shardedEqualsUnsharded() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let whole = try reference()
        let out = root + "/sharded"
        let run = try MienBinary.run(["analyze", "--fps", "5", "--workers", "3", "--shard-seconds", "1",
                                      RepositoryFiles.astronautClip, "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("3 workers"), "\(run.stderr)")
        #expect(try timeline(out) == whole, "same records, probabilities and track ids")
    }

    @Test(arguments: CLIStoreKind.allCases)
    mutating func submitIsIdempotentAndCollectWritesTheTimeline(kind: CLIStoreKind) throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try use(kind)
        let whole = try reference()
        let job = try submit(["--fps", "5", "--shard-seconds", "1"], [RepositoryFiles.astronautClip, fx.text])
        #expect(try submit(["--fps", "5", "--shard-seconds", "1"], [RepositoryFiles.astronautClip, fx.text]) == job)
        #expect(try submit(["--fps", "4", "--shard-seconds", "1"], [RepositoryFiles.astronautClip, fx.text]) != job)
        let early = try MienBinary.run(["collect", "--store", store, job, "--out", root + "/out"])
        #expect(early.status == 3, "nothing done yet: \(early.stderr)")
        let worker = try MienBinary.run(["worker", "--store", store, "--exit-when-idle"])
        #expect(worker.status == 0, "\(worker.stderr)")
        let collect = try MienBinary.run(["collect", "--store", store, job, "--out", root + "/out"])
        #expect(collect.status == 2, "notes.txt failed: \(collect.stderr)")
        #expect(try timeline(root + "/out") == whole)
        let status = try status(job)
        #expect(status["done"] as? Int == status["shards"] as? Int)
    }

    @Test(arguments: CLIStoreKind.allCases)
    mutating func aKilledWorkersShardIsRedone(kind: CLIStoreKind) throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try use(kind)
        let whole = try reference(fps: "25")
        let job = try submit(["--fps", "25"], [RepositoryFiles.astronautClip])
        let first = try BackgroundMien(["worker", "--store", store, "--lease", "2"], log: root + "/first.log")
        #expect(first.waitForLog("claimed shard"), "\(first.stderr)")
        first.send(SIGKILL)
        first.wait()
        #expect(try status(job)["done"] as? Int == 0, "killed before it finished")
        let second = try MienBinary.run(["worker", "--store", store, "--exit-when-idle", "--lease", "10"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("attempt 2") && second.stderr.contains("done shard"), "a second attempt did it: \(second.stderr)")
        let errors = (try status(job)["videos"] as? [[String: Any]])?.first?["errors"] as? [String] ?? []
        #expect(errors.count == 1 && errors[0].hasPrefix("lease expired"), "the first attempt's lease expired: \(errors)")
        #expect(try MienBinary.run(["collect", "--store", store, job, "--out", root + "/out"]).status == 0)
        #expect(try timeline(root + "/out") == whole, "identical to an undisturbed run")
    }

    @Test(arguments: CLIStoreKind.allCases)
    mutating func aStalledWorkersLateCommitIsRefused(kind: CLIStoreKind) throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try use(kind)
        let whole = try reference(fps: "25")
        let job = try submit(["--fps", "25"], [RepositoryFiles.astronautClip])
        let stalled = try BackgroundMien(["worker", "--store", store, "--lease", "1", "--exit-when-idle"], log: root + "/stalled.log")
        #expect(stalled.waitForLog("claimed shard"), "\(stalled.stderr)")
        stalled.send(SIGSTOP)
        usleep(2_500_000)  // past its 1 s lease
        let other = try MienBinary.run(["worker", "--store", store, "--exit-when-idle", "--lease", "5"])
        #expect(other.status == 0 && other.stderr.contains("done shard"), "\(other.stderr)")
        stalled.send(SIGCONT)
        #expect(stalled.wait() == 0)
        #expect(stalled.stderr.contains("lost the lease"), "\(stalled.stderr)")
        #expect(try MienBinary.run(["collect", "--store", store, job, "--out", root + "/out"]).status == 0)
        #expect(try timeline(root + "/out") == whole)
    }

    @Test(arguments: CLIStoreKind.allCases)
    mutating func aPoisonInputIsDeadAfterItsAttemptsAndTheOthersComplete(kind: CLIStoreKind) throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try use(kind)
        let poison = root + "/poison.mp4"
        try FileManager.default.copyItem(atPath: fx.h264, toPath: poison)
        let job = try submit(["--fps", "2", "--max-attempts", "2"], [poison, RepositoryFiles.astronautClip])
        // Broken after it was probed and planned: every attempt fails.
        try Data("not a video any more".utf8).write(to: URL(fileURLWithPath: poison))
        let worker = try MienBinary.run(["worker", "--store", store, "--exit-when-idle"])
        #expect(worker.status == 0, "\(worker.stderr)")
        let status = try status(job)
        let videos = status["videos"] as! [[String: Any]]
        #expect(videos.map { $0["state"] as? String } == ["failed", "done"])
        #expect((videos[0]["errors"] as? [String])?.first?.contains("not a media file") == true, "\(videos[0])")
        let collect = try MienBinary.run(["collect", "--store", store, job, "--out", root + "/out"])
        #expect(collect.status == 2 && collect.stderr.contains("poison"), "\(collect.stderr)")
        #expect(FileManager.default.fileExists(atPath: root + "/out/astronaut.timeline.jsonl"))
        let retry = try MienBinary.run(["retry", "--store", store, job])
        #expect(retry.status == 0 && retry.stderr.contains("1 dead shard pending again"), "\(retry.stderr)")
    }

    /// A worker killed on a shard that has no attempt left: the video's other
    /// shards run on, and its timeline is partial (that shard's grid times
    /// `undecodable`, naming it) rather than lost.
    @Test(arguments: CLIStoreKind.allCases)
    mutating func aDeadShardLeavesAPartialTimelineNotAFailedVideo(kind: CLIStoreKind) throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try use(kind)
        let whole = try reference().split(separator: "\n")
        let job = try submit(["--fps", "5", "--shard-seconds", "1", "--max-attempts", "1"], [RepositoryFiles.astronautClip])
        let doomed = try BackgroundMien(["worker", "--store", store, "--lease", "1", "--exit-when-idle"], log: root + "/doomed.log")
        #expect(doomed.waitForLog("claimed shard"), "\(doomed.stderr)")
        doomed.send(SIGKILL)
        doomed.wait()
        usleep(1_500_000)  // past its lease: with one attempt allowed, the shard is dead
        let other = try MienBinary.run(["worker", "--store", store, "--exit-when-idle"])
        #expect(other.status == 0 && other.stderr.contains("done shard"), "\(other.stderr)")
        let video = (try status(job)["videos"] as? [[String: Any]])?.first
        #expect(video?["state"] as? String == "partial" && video?["dead"] as? Int == 1, "\(video ?? [:])")

        let collect = try MienBinary.run(["collect", "--store", store, job, "--out", root + "/out"])
        #expect(collect.status == 2, "partial: \(collect.stderr)")
        let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: root + "/out/astronaut.meta.json")))
            as? [String: Any]
        let message = (meta?["error"] as? [String: Any])?["message"] as? String ?? ""
        #expect(meta?["status"] as? String == "partial" && message.contains("was not analysed") && message.contains("lease expired"),
                "\(message)")
        #expect(meta?["models"] is [String: Any], "the models come from a shard that ran, whichever died")
        let lines = try timeline(root + "/out").split(separator: "\n")
        #expect(lines.count == whole.count, "every grid time has its line")
        let records = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let reference = whole.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let missing = records.indices.filter { records[$0]["status"] as? String == "undecodable" }
        // The shard's span (shards start at keyframes, so it may be longer than --shard-seconds) as the error gives it.
        let span = (records.first { $0["status"] as? String == "undecodable" }?["error"] as? String)?
            .firstMatch(of: /\((\d+\.\d+)-(\d+\.\d+) s\)/)
        var seconds = 0.0
        if let span, let start = Double(span.1), let end = Double(span.2) { seconds = end - start }
        #expect(seconds >= 1 && missing.count == Int((seconds * 5).rounded()), "the dead shard's grid times: \(missing)")
        #expect(missing.last.map { $0 - missing[0] + 1 } == missing.count, "one stretch")
        #expect(missing.allSatisfy { (records[$0]["error"] as? String)?.contains("shard") == true })
        for i in records.indices where !missing.contains(i) {
            let boxes = { (r: [String: Any]) in (r["faces"] as? [[String: Any]] ?? []).compactMap { $0["box"] as? [Double] } }
            #expect(records[i]["t"] as? Double == reference[i]["t"] as? Double && boxes(records[i]) == boxes(reference[i]),
                    "the other shards' analysis is kept: line \(i)")
        }
        let retry = try MienBinary.run(["retry", "--store", store, job])
        #expect(retry.status == 0, "\(retry.stderr)")
        #expect(try MienBinary.run(["worker", "--store", store, "--exit-when-idle"]).status == 0)
        #expect(try MienBinary.run(["collect", "--store", store, job, "--out", root + "/out"]).status == 0)
        #expect(!(try timeline(root + "/out")).contains("undecodable"), "retried: complete")
    }

    @Test func anInterruptedAnalyzeResumes() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let whole = try reference(fps: "25")
        let out = root + "/resumed"
        let arguments = ["analyze", "--fps", "25", "--workers", "1", "--shard-seconds", "1", RepositoryFiles.astronautClip, "--out", out]
        let first = try BackgroundMien(arguments, log: root + "/first.log")
        // Let it finish a shard or two, then kill it.
        let storeFile = out + "/.mien/jobs.sqlite"
        let deadline = Date().addingTimeInterval(60)
        var done = 0
        while done == 0 && Date() < deadline {
            usleep(200_000)
            if let list = try? MienBinary.run(["status", "--store", "sqlite:" + storeFile, "--json"]),
               let jobs = try? JSONSerialization.jsonObject(with: list.stdout) as? [[String: Any]] {
                done = jobs.first?["done"] as? Int ?? 0
            }
        }
        #expect(done > 0)
        // A crash of the whole machine: the parent and its workers die at once, none cleans up.
        let tree = ProcessTree.children(of: first.pid)
        #expect(!tree.isEmpty, "analyze runs its worker as a child")
        first.send(SIGKILL)
        for pid in tree { kill(pid, SIGKILL) }
        first.wait()
        #expect(ProcessTree.waitGone(tree, seconds: 5).isEmpty)
        let second = try MienBinary.run(arguments)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("resuming job"), "\(second.stderr)")
        #expect(try timeline(out) == whole)
    }

    /// A cancelled job's videos never finish: collect writes them as
    /// cancelled instead of answering "still running" for ever, and the same
    /// submission (or analyze run) says the job was cancelled rather than
    /// that it was submitted, since nothing would run.
    @Test mutating func aCancelledJobEndsAsCancelled() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let out = root + "/out"
        storeURL = "sqlite:" + out + "/.mien/jobs.sqlite"
        try FileManager.default.createDirectory(atPath: out + "/.mien", withIntermediateDirectories: true)
        let arguments = ["--fps", "2", "--shard-seconds", "1"]
        let job = try submit(arguments, [RepositoryFiles.astronautClip])
        let cancel = try MienBinary.run(["cancel", "--store", store, job])
        #expect(cancel.status == 0, "\(cancel.stderr)")
        let collect = try MienBinary.run(["collect", "--store", store, job, "--out", root + "/collected"])
        #expect(collect.status == 2, "a failed video, not one still running: \(collect.stderr)")
        let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: root + "/collected/astronaut.meta.json")))
            as? [String: Any]
        #expect((meta?["error"] as? [String: Any])?["code"] as? String == "cancelled", "\(String(describing: meta))")
        let again = try MienBinary.run(["submit", "--store", store] + arguments + [RepositoryFiles.astronautClip])
        #expect(again.status == 0 && again.text == job + "\n" && again.stderr.contains("and cancelled: nothing added"), "\(again.stderr)")
        let new = try MienBinary.run(["submit", "--store", store, "--new"] + arguments + [RepositoryFiles.astronautClip])
        #expect(new.status == 0 && new.text != job + "\n" && new.stderr.contains("submitted job"), "\(new.stderr)")
    }

    /// A run stopped for good (its user changed the settings and started
    /// again) leaves its job in the output folder's store: the new run's
    /// workers must not do that job's shards first, nor wait for them.
    @Test mutating func analyzeLeavesAnEarlierRunsJobAlone() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let out = root + "/out"
        storeURL = "sqlite:" + out + "/.mien/jobs.sqlite"
        try FileManager.default.createDirectory(atPath: out + "/.mien", withIntermediateDirectories: true)
        let earlier = try submit(["--fps", "25", "--shard-seconds", "1"], [RepositoryFiles.astronautClip])
        let run = try MienBinary.run(["analyze", "--fps", "2", "--workers", "1", RepositoryFiles.astronautClip, "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try timeline(out).split(separator: "\n").count == 10, "5 s at 2 a second")
        let left = try status(earlier)
        #expect(left["done"] as? Int == 0 && left["shards"] as? Int ?? 0 > 1, "the earlier job is untouched: \(left)")
        let worker = try MienBinary.run(["worker", "--store", store, "--job", "0123456789abcdef", "--exit-when-idle", "--quiet"])
        let after = try status(earlier)
        #expect(worker.status == 0 && after["done"] as? Int == 0, "--job: that job's shards only. \(worker.stderr)")
    }
}
