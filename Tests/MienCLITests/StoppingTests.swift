import Foundation
import MienTestSupport
import Testing

/// Stopping as a user (Ctrl-C in a terminal) or a cluster (SIGTERM) does:
/// `mien analyze` passes the signal on to its workers, each hands its shard
/// back (no attempt counted), nothing is left running, and the run resumes;
/// workers never outlive their parent; a pool whose workers keep dying ends
/// the run instead of waiting for ever.
@Suite("stopping: signals, orphans, dying workers", .serialized)
struct StoppingTests {
    let root: String
    /// The astronaut clip looped to 60 s: at 25 samples/s a shard takes long enough to be interrupted.
    let longClip: String

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("mien-stop-\(getpid())-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        longClip = root + "/long.mp4"
        try Tool.ffmpeg(["-stream_loop", "11", "-i", RepositoryFiles.astronautClip, "-c", "copy", longClip])
    }

    func status(_ store: String) throws -> [String: Any] {
        let run = try MienBinary.run(["status", "--store", store, "--json"])
        let jobs = try JSONSerialization.jsonObject(with: run.stdout) as? [[String: Any]]
        guard let id = jobs?.first?["id"] as? String else { throw FixtureError("no job in \(store): \(run.stderr)") }
        let one = try MienBinary.run(["status", "--store", store, "--json", id])
        return try JSONSerialization.jsonObject(with: one.stdout) as? [String: Any] ?? [:]
    }

    /// The first video's entry of the store's only job.
    func video(_ store: String) throws -> [String: Any] {
        (try status(store)["videos"] as? [[String: Any]])?.first ?? [:]
    }

    /// Waits until `count` shards of the job in `store` are leased (at most 60 s).
    func waitUntilRunning(_ store: String, count: Int) throws -> Bool {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: String(store.dropFirst("sqlite:".count))),
               let running = try? video(store)["running"] as? Int, running >= count { return true }
            usleep(100_000)
        }
        return false
    }

    /// `mien analyze` of the long clip with two workers over two 30 s shards,
    /// started in the background; returns once both shards are leased.
    func analyzeWithBothShardsRunning() throws -> (analyze: BackgroundMien, workers: [pid_t], store: String, arguments: [String]) {
        let out = root + "/out"
        let store = "sqlite:" + out + "/.mien/jobs.sqlite"
        let arguments = ["analyze", "--fps", "25", "--workers", "2", "--shard-seconds", "30", longClip, "--out", out]
        let analyze = try BackgroundMien(arguments, log: root + "/analyze.log")
        let workers = ProcessTree.waitForChildren(of: analyze.pid, count: 2, seconds: 30)
        #expect(try waitUntilRunning(store, count: 2), "both shards leased: \(analyze.stderr)")
        return (analyze, workers, store, arguments)
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func aSignalToAnalyzeStopsItsWorkersAndTheRunResumes(signal: Int32) throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (analyze, workers, store, arguments) = try analyzeWithBothShardsRunning()
        #expect(workers.count == 2, "two workers started")
        usleep(500_000)  // into the shards' frames

        let sent = Date()
        analyze.send(signal)  // to the parent only, as a terminal's Ctrl-C reaches it
        let code = analyze.wait(seconds: 30)
        let seconds = Date().timeIntervalSince(sent)
        #expect(code == 130, "exit status 130 after \(seconds) s: \(analyze.stderr)")
        #expect(analyze.stderr.contains("run the same command again to resume"), "\(analyze.stderr)")
        #expect(ProcessTree.waitGone(workers, seconds: 1).isEmpty, "no worker outlives analyze")
        let stopped = try video(store)
        #expect(stopped["running"] as? Int == 0, "every shard handed back: \(stopped)")
        #expect((stopped["errors"] as? [String])?.isEmpty == true, "a stop is not a failed attempt: \(stopped)")
        #expect(!analyze.stderr.contains("were killed"), "the workers stopped by themselves: \(analyze.stderr)")

        let resumed = try MienBinary.run(arguments)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming job"), "\(resumed.stderr)")
        let done = try video(store)
        #expect(done["done"] as? Int == 2 && done["state"] as? String == "done", "\(done)")
    }

    @Test func aSecondSignalKillsTheWorkersAtOnce() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (analyze, workers, _, _) = try analyzeWithBothShardsRunning()
        analyze.send(SIGINT)
        usleep(100_000)
        analyze.send(SIGINT)
        #expect(analyze.wait(seconds: 10) == 130, "\(analyze.stderr)")
        #expect(ProcessTree.waitGone(workers, seconds: 2).isEmpty, "killed with their parent")
    }

    @Test func workersStopByThemselvesWhenAnalyzeIsKilled() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (analyze, workers, _, _) = try analyzeWithBothShardsRunning()
        #expect(workers.count == 2)
        analyze.send(SIGKILL)  // no chance to stop them
        analyze.wait()
        // Local workers notice within their 10 s leases (at most about 8 s:
        // a 0.5 s watch, then 7.5 s to stop); 20 s here for a loaded machine.
        #expect(ProcessTree.waitGone(workers, seconds: 20).isEmpty, "orphaned workers: \(analyze.stderr)")
        #expect(analyze.stderr.contains("is gone: stopping"), "\(analyze.stderr)")
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func aSignalledWorkerHandsItsShardBack(signal: Int32) throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = "sqlite:" + root + "/jobs.sqlite"
        let submit = try MienBinary.run(["submit", "--store", store, "--fps", "10", "--shard-seconds", "1000", longClip])
        #expect(submit.status == 0, "\(submit.stderr)")
        let worker = try BackgroundMien(["worker", "--store", store, "--lease", "30"], log: root + "/worker.log")
        #expect(try waitUntilRunning(store, count: 1), "\(worker.stderr)")
        usleep(500_000)
        worker.send(signal)
        #expect(worker.wait(seconds: 30) == 128 + signal, "stopped, not finished: \(worker.stderr)")
        #expect(worker.stderr.contains("handed back unfinished"), "\(worker.stderr)")
        let handedBack = try video(store)
        #expect(handedBack["running"] as? Int == 0 && handedBack["done"] as? Int == 0, "\(handedBack)")
        #expect((handedBack["errors"] as? [String])?.isEmpty == true, "no attempt counted: \(handedBack)")
        // Pending again at once (not after the 30 s lease), its attempt not used up.
        let next = try MienBinary.run(["worker", "--store", store, "--exit-when-idle"])
        #expect(next.status == 0 && next.stderr.contains("attempt 1") && next.stderr.contains("done shard"), "\(next.stderr)")
    }

    @Test func aPoolWhoseWorkersKeepDyingEndsTheRun() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let analyze = try BackgroundMien(["analyze", "--fps", "1", RepositoryFiles.astronautClip, "--out", root + "/out"],
                                         log: root + "/analyze.log", environment: ["MIEN_WORKER_EXECUTABLE": "/bin/false"])
        #expect(analyze.wait(seconds: 120) == 1, "\(analyze.stderr)")
        #expect(analyze.stderr.contains("workers keep exiting before the work is done"), "\(analyze.stderr)")
    }
}
