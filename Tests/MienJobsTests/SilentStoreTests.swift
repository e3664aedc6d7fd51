import Foundation
import MienTestSupport
import Testing
@testable import MienJobs

/// A PostgreSQL store reached through a proxy that goes silent
/// (`SilentNetworkProxy.blackhole()`: no byte either way, nothing closed):
/// every call gives up within the store's bound with `.timedOut`, naming the
/// store and the bound; the store works again once the network does; and a
/// commit sent into the silence, delivered only after its lease expired, is
/// refused by the fence. Calls through the proxy are bounded at 2 s here;
/// the schema and the jobs are made through a direct connection, so the
/// bounded store is never asked for a migration on a loaded test machine.
@Suite("PostgreSQL store on a silent network")
struct SilentStoreTests {
    /// A fresh database on this process's server, and a proxy in front of it.
    struct Network {
        let direct: PostgresLocation
        let proxied: PostgresLocation
        let proxy: SilentNetworkProxy

        init() throws {
            direct = try TemporaryPostgresServer.shared().createDatabase("silent\(getpid())_\(UInt32.random(in: 0...UInt32.max))")
            proxy = try SilentNetworkProxy(upstreamPort: direct.port)
            var proxied = direct
            proxied.port = proxy.port
            self.proxied = proxied
        }
    }

    static let bound = 2.0

    /// The store through the proxy, bounded, on the schema `direct` made.
    static func open(_ network: Network) async throws -> (proxied: PostgresJobStore, direct: any JobStore) {
        let direct = try await StoreLocation.postgres(network.direct).open(callTimeout: StoreKind.callTimeout)
        return (PostgresJobStore(network.proxied, callTimeout: bound), direct)
    }

    /// Runs `call`, which must throw `.timedOut` naming the store, the call
    /// and the bound, no sooner than the bound and soon after it, in time this
    /// process could run (a few ms after it on a quiet machine; the runner's
    /// threads may be busy with other suites for minutes, which the bound
    /// does not count either).
    static func expectTimeout(_ what: String, _ store: PostgresLocation, _ call: () async throws -> Void) async {
        let started = ContinuousClock.now
        let stopwatch = RunnableStopwatch()
        let error = await #expect(throws: JobStoreError.self, "\(what)") { try await call() }
        let runnable = stopwatch.stop()
        let elapsed = ContinuousClock.now - started
        #expect(error?.code == .timedOut, "\(what): \(String(describing: error))")
        #expect(error?.message.contains("job store \(store): timed out after 2 s waiting for an answer to \(what)") == true,
                "\(String(describing: error))")
        #expect(elapsed >= .milliseconds(1950), "\(what) gave up after \(elapsed)")
        #expect(runnable < bound + 3, "\(what) gave up after \(runnable) s of runnable time (\(elapsed) in all)")
    }

    @Test func everyCallTimesOutWithinItsBoundAndTheStoreRecovers() async throws {
        let network = try Network()
        defer { network.proxy.stop() }
        let (store, direct) = try await Self.open(network)
        let (job, _) = try await direct.submit(submission(shards: 2))
        let lease = try #require(try await store.claim(worker: "w", lease: 60))

        network.proxy.blackhole()
        await Self.expectTimeout("heartbeat of shard 0", network.proxied) { _ = try await store.heartbeat(lease) }
        await Self.expectTimeout("claim", network.proxied) { _ = try await store.claim(worker: "w2", lease: 60) }
        await Self.expectTimeout("status of job", network.proxied) { _ = try await store.status(of: job) }
        await Self.expectTimeout("commit of shard 0", network.proxied) {
            _ = try await store.complete(lease, result: Data("r".utf8))
        }

        network.proxy.resume()
        // New connections replace the ones closed at the deadline. The commit
        // sent into the silence is delivered now, while the lease still holds,
        // so it may have gone through: either way the shard is no longer leased
        // by a call in doubt, and the store answers.
        let progress = try await store.status(of: job)
        #expect(progress.videos.count == 1)
        #expect(try await store.claim(worker: "w3", lease: 60) != nil)
        let closing = RunnableStopwatch()
        await store.close()
        #expect(closing.stop() < 8)
        await direct.close()
    }

    /// The connection a timed-out call was using is closed; the pool must not
    /// hand it to the next call, which would then fail at once with "cannot
    /// reach the server" instead of waiting out its own bound (seen on a busy
    /// CI machine: the closed connection went back to the pool before the
    /// pool heard it was closed). Repeated, as it is a race.
    @Test func theNextCallIsNotGivenTheConnectionClosedAtTheDeadline() async throws {
        let network = try Network()
        defer { network.proxy.stop() }
        let direct = try await StoreLocation.postgres(network.direct).open(callTimeout: StoreKind.callTimeout)
        let store = PostgresJobStore(network.proxied, callTimeout: 0.5)
        let (job, _) = try await direct.submit(submission(shards: 2))
        for round in 1...6 {
            network.proxy.resume()
            // A live pooled connection: a new one through the proxy, which a
            // loaded machine may not make within the short bound at once.
            var connected = false
            for _ in 0..<20 where !connected { connected = (try? await store.status(of: job)) != nil }
            try #require(connected, "round \(round): the store never answered through the proxy")
            network.proxy.blackhole()
            for call in ["status of job", "claim"] {
                let error = await #expect(throws: JobStoreError.self) {
                    if call == "claim" { _ = try await store.claim(worker: "w", lease: 60) } else { _ = try await store.status(of: job) }
                }
                #expect(error?.code == .timedOut, "round \(round), \(call): \(String(describing: error))")
            }
        }
        network.proxy.resume()
        await store.close()
        await direct.close()
    }

    @Test func openingThroughASilentNetworkTimesOut() async throws {
        let network = try Network()
        defer { network.proxy.stop() }
        network.proxy.blackhole()
        let stopwatch = RunnableStopwatch()
        let error = await #expect(throws: JobStoreError.self) {
            _ = try await StoreLocation.postgres(network.proxied).open(callTimeout: 1)
        }
        let runnable = stopwatch.stop()
        #expect(error?.code == .timedOut)
        #expect(error?.message.contains("job store \(network.proxied): timed out after 1 s waiting for an answer to migrate") == true,
                "\(String(describing: error))")
        // The bound, then closing the pool (at most 5 s): about 1.3 s on a quiet machine.
        #expect(runnable < 9, "\(runnable) s of runnable time")
    }

    @Test func aCommitDeliveredAfterItsLeaseExpiredIsRefused() async throws {
        let network = try Network()
        defer { network.proxy.stop() }
        let (store, direct) = try await Self.open(network)
        _ = try await direct.submit(submission())
        let lease = try #require(try await store.claim(worker: "silent", lease: 3))
        let claimed = ContinuousClock.now

        network.proxy.blackhole()
        let sent = network.proxy.bytesForwarded.toUpstream
        await Self.expectTimeout("commit of shard 0", network.proxied) {
            _ = try await store.complete(lease, result: Data("late".utf8))
        }
        try await Task.sleep(until: claimed + .milliseconds(3500))  // the 3 s lease has expired
        network.proxy.resume()
        // The commit held in the silence reaches the server now, late.
        let deadline = ContinuousClock.now + .seconds(5)
        while network.proxy.bytesForwarded.toUpstream == sent && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(network.proxy.bytesForwarded.toUpstream > sent, "the held commit was never delivered")
        try await Task.sleep(for: .milliseconds(300))

        #expect(try await direct.results(of: lease.video) == nil, "the late commit was refused")
        let redo = try #require(try await direct.claim(worker: "other", lease: 30))
        #expect(redo.attempt == 2)
        #expect(try await direct.complete(redo, result: Data("redone".utf8)))
        let results = try #require(try await direct.results(of: lease.video))
        #expect(results.map { String(decoding: $0.result, as: UTF8.self) } == ["redone"])
        await store.close()
        await direct.close()
    }
}
