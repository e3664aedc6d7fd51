import Foundation
import MienJobs
import MienTestSupport
import Testing

/// Commands on a PostgreSQL store whose network goes silent (a
/// `SilentNetworkProxy` that stops forwarding, closing nothing): `status`,
/// `collect` and `submit` fail within `--store-timeout` with a message that
/// names the store (never its password) and the bound; a worker whose store
/// goes silent mid-shard notices within its lease, never commits (its shard
/// is redone by a worker that can reach the store) and exits non-zero
/// instead of hanging. Async, waiting without blocking the test runner.
@Suite("commands on a silent job store", .serialized)
struct SilentStoreCommandTests {
    let root: String

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("mien-silent-\(getpid())-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    /// A fresh database on this test process's server: its URL, and a proxy in front of it.
    struct SilentStore {
        let direct: String
        let proxied: String
        let proxy: SilentNetworkProxy

        init(password: String? = nil) throws {
            let location = try TemporaryPostgresServer.shared()
                .createDatabase("silentcli\(getpid())_\(UInt32.random(in: 0...UInt32.max))")
            proxy = try SilentNetworkProxy(upstreamPort: location.port)
            direct = "postgres://postgres@127.0.0.1:\(location.port)/\(location.database)?sslmode=disable"
            let credentials = password.map { "postgres:\($0)" } ?? "postgres"
            proxied = "postgres://\(credentials)@127.0.0.1:\(proxy.port)/\(location.database)?sslmode=disable"
        }

        /// The proxied store as messages show it (no password).
        var shown: String { proxied.replacingOccurrences(of: #":[^:@/]*@"#, with: "@", options: .regularExpression) }
    }

    /// Submits the sample clip directly and returns the job id.
    func submit(_ store: SilentStore, _ extra: [String] = []) async throws -> String {
        let run = try await AsyncMien.run(["submit", "--store", store.direct] + extra + [RepositoryFiles.astronautClip],
                                          name: "submit", in: root)
        #expect(run.status == 0, "\(run.stderr)")
        return run.text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func statusCollectAndSubmitTimeOutWithAClearError() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try SilentStore(password: "hunter2")
        defer { store.proxy.stop() }
        let job = try await submit(store)

        store.proxy.blackhole()
        let commands: [[String]] = [
            ["status", job], ["status"], ["collect", job, "--out", root + "/out"], ["submit", RepositoryFiles.astronautClip],
        ]
        for (index, command) in commands.enumerated() {
            let run = try await AsyncMien.run(command + ["--store", store.proxied, "--store-timeout", "2"],
                                              name: "silent\(index)", in: root, seconds: 180)
            let shown = command.joined(separator: " ")
            #expect(run.status != nil, "mien \(shown) still running after 180 s on a silent store")
            #expect(run.status.map { $0 != 0 } ?? false, "mien \(shown): \(run.stderr)")
            #expect(run.stderr.contains("job store \(store.shown): timed out after 2 s waiting for an answer"),
                    "mien \(shown): \(run.stderr)")
            #expect(!run.stderr.contains("hunter2"), "the password is never shown: \(run.stderr)")
            // The 2 s bound, then closing the connection pool: about 2.1 s on a
            // quiet machine, far more on one whose cores the rest of the suite
            // keeps busy; a hang would never end (the silence is never lifted).
            #expect(run.seconds < 120, "mien \(shown) took \(run.seconds) s")
        }
    }

    /// A database restarting must not end every worker of a cluster: a
    /// worker started while the store is silent waits out an outage shorter
    /// than `--store-outage`, then works.
    @Test func aWorkerWaitsOutABriefOutage() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try SilentStore()
        defer { store.proxy.stop() }
        let job = try await submit(store, ["--fps", "2"])
        store.proxy.blackhole()
        let worker = try AsyncMien(["worker", "--store", store.proxied, "--store-timeout", "2", "--store-outage", "120",
                                    "--exit-when-idle"], name: "patient-worker", in: root)
        while !worker.stderr.contains("trying again") && worker.exitedAt == nil {
            try await Task.sleep(for: .milliseconds(100))
        }
        store.proxy.resume()
        let status = try await worker.exit(within: 180)
        #expect(status == 0, "\(worker.stderr)")
        #expect(worker.stderr.contains("open the store: job store \(store.shown): timed out after 2 s"), "\(worker.stderr)")
        #expect(worker.stderr.contains("done shard 0"), "\(worker.stderr)")
        let progress = try await AsyncMien.run(["status", "--store", store.direct, "--json", job], name: "status", in: root)
        let object = try JSONSerialization.jsonObject(with: progress.stdout) as? [String: Any]
        #expect(object?["done"] as? Int == object?["shards"] as? Int, "\(progress.text)")
    }

    /// When something happened, set from any thread.
    final class Moment: @unchecked Sendable {
        private let lock = NSLock()
        private var date: Date?
        var value: Date? { lock.withLock { date } }
        func set(_ value: Date) { lock.withLock { date = value } }
    }

    /// Blackholes `proxy` from a thread of its own as soon as `condition`
    /// holds (or after `seconds`), and returns when it did (nil: timed out).
    static func blackhole(_ proxy: SilentNetworkProxy, once condition: @escaping @Sendable () -> Bool,
                          within seconds: Double) -> Moment {
        let moment = Moment()
        let deadline = Date().addingTimeInterval(seconds)
        Thread.detachNewThread {
            while !condition() && Date() < deadline { usleep(5_000) }
            proxy.blackhole()
            if condition() { moment.set(Date()) }
        }
        return moment
    }

    @Test func aWorkerOnASilentStoreExitsAndItsShardIsRedone() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try SilentStore()
        defer { store.proxy.stop() }
        // MTCNN and float32: the shard must last past a heartbeat (1 s) after the
        // silence begins; the int8 classifier behind the streamed YuNet can finish
        // the whole shard before one.
        let job = try await submit(store, ["--fps", "25", "--precision", "fp32", "--detector", "mtcnn"])

        // An outage of 20 s is waited out, so a slow call on a loaded machine
        // before the silence does not end the worker before it claims.
        let silent = try AsyncMien(["worker", "--store", store.proxied, "--store-timeout", "2", "--store-outage", "20", "--lease", "3",
                                    "--exit-when-idle"],
                                   name: "silent-worker", in: root)
        // Silence the network the moment the worker has its shard, from a
        // thread of its own: the test's task may wait long for a turn.
        let blackholed = Self.blackhole(store.proxy, once: { silent.stderr.contains("claimed shard") }, within: 120)
        while store.proxy.isForwarding { try await Task.sleep(for: .milliseconds(20)) }
        #expect(silent.stderr.contains("claimed shard"), "\(silent.stderr)")
        guard let blackholed = blackholed.value else { return }

        // A worker that reaches the store redoes the shard once the silent one's lease has expired.
        let other = try await AsyncMien.run(["worker", "--store", store.direct, "--exit-when-idle", "--lease", "10"],
                                            name: "other-worker", in: root)
        #expect(other.status == 0 && other.stderr.contains("done shard 0"), "\(other.stderr)")
        #expect(other.stderr.contains("attempt 2"), "\(other.stderr)")

        // The silent worker never hangs: it exits non-zero, saying why (on a
        // quiet machine about 26 s after the silence: the rest of its shard,
        // the commit's 2 s tries through the 20 s outage, closing the pool).
        let status = try await silent.exit(within: 180)
        let seconds = (silent.exitedAt ?? Date()).timeIntervalSince(blackholed)
        #expect(status != nil, "the worker on the silent store is still running after \(seconds) s: \(silent.stderr)")
        #expect(status.map { $0 != 0 } ?? false, "\(silent.stderr)")
        #expect(silent.stderr.contains("heartbeat of shard 0"), "it noticed within its lease: \(silent.stderr)")
        #expect(silent.stderr.contains("timed out after 2 s waiting for an answer to commit of shard 0"), "\(silent.stderr)")
        #expect(!silent.stderr.contains("done shard"), "it never committed: \(silent.stderr)")

        let progress = try await AsyncMien.run(["status", "--store", store.direct, "--json", job], name: "status", in: root)
        let object = try JSONSerialization.jsonObject(with: progress.stdout) as? [String: Any]
        #expect(object?["done"] as? Int == 1, "\(progress.text)")
        let errors = (object?["videos"] as? [[String: Any]])?.first?["errors"] as? [String] ?? []
        #expect(errors.contains { $0.hasPrefix("lease expired") }, "\(progress.text)")
        let collect = try await AsyncMien.run(["collect", "--store", store.direct, job, "--out", root + "/out"],
                                              name: "collect", in: root)
        #expect(collect.status == 0, "\(collect.stderr)")
    }
}
