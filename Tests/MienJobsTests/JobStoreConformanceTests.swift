import Foundation
import Testing
@testable import MienJobs

/// The guarantees of `JobStore`, run against every store. Leases are short
/// (0.3 to 2 s) so the lease tests take about a second each.
@Suite("JobStore conformance", .onOwnThreads)
struct JobStoreConformanceTests {
    @Test(arguments: StoreKind.allCases)
    func migrateIsIdempotentAndRefusesNewerSchemas(kind: StoreKind) async throws {
        let location = try kind.freshLocation()
        let store = try await location.open(callTimeout: StoreKind.callTimeout)
        try await store.migrate()
        let again = try await location.open(callTimeout: StoreKind.callTimeout)
        #expect(try await again.submit(submission()).created)
        await again.close()

        switch store {
        case let sqlite as SQLiteJobStore: try await sqlite.recordSchemaVersion(StoreSchema.version + 1)
        case let postgres as PostgresJobStore: try await postgres.recordSchemaVersion(StoreSchema.version + 1)
        default: Issue.record("unknown store \(store)")
        }
        await store.close()
        let error = await #expect(throws: JobStoreError.self) { _ = try await location.open(callTimeout: StoreKind.callTimeout) }
        #expect(error?.code == .schemaTooNew)
    }

    @Test(arguments: StoreKind.allCases)
    func submitIsIdempotentByKey(kind: StoreKind) async throws {
        let store = try await kind.open()
        defer { Task { await store.close() } }
        let job = submission(key: "same", videos: 2, shards: 3)
        let first = try await store.submit(job)
        #expect(first.created)
        #expect(first.id == job.jobID)
        let second = try await store.submit(job)
        #expect(second.id == first.id)
        #expect(!second.created)
        let other = try await store.submit(submission(key: "other"))
        #expect(other.created)
        #expect(other.id != first.id)
        let jobs = try await store.jobs()
        #expect(jobs.count == 2)
        #expect(jobs.first { $0.id == first.id }.map { [$0.videos, $0.shards] } == [2, 6])
    }

    @Test(arguments: StoreKind.allCases)
    func claimsInOrderAndOnlyOnce(kind: StoreKind) async throws {
        let store = try await kind.open()
        defer { Task { await store.close() } }
        let job = submission(videos: 2, shards: 2)
        let (id, _) = try await store.submit(job)
        var seen: [String] = []
        for n in 0..<4 {
            let lease = try #require(try await store.claim(worker: "w\(n)", lease: 30))
            #expect(lease.job == id)
            #expect(lease.attempt == 1)
            #expect(lease.worker == "w\(n)")
            #expect(lease.settings == job.settings)
            #expect(lease.input == "/in/\(n / 2).mp4")
            #expect(lease.index == n % 2)
            seen.append(String(decoding: lease.payload, as: UTF8.self))
        }
        #expect(seen == ["v0s0", "v0s1", "v1s0", "v1s1"])
        #expect(try await store.claim(worker: "late", lease: 30) == nil)
        let progress = try await store.status(of: id)
        #expect(progress.videos.map(\.leased) == [2, 2])
    }

    @Test(arguments: StoreKind.allCases)
    func heartbeatExtendsTheLease(kind: StoreKind) async throws {
        let store = try await kind.open()
        defer { Task { await store.close() } }
        _ = try await store.submit(submission())
        // Heartbeats every second, as a worker sends them, for longer than the
        // lease: the lease is alive at the end only thanks to them (robust to a
        // loaded machine unless it stalls for the whole lease). The lease is
        // long because in a full run the suites that block the runner's threads
        // leave this async test's statements seconds apart (an 8 s lease expired
        // there once).
        let claimed = ContinuousClock.now
        let lease = try #require(try await store.claim(worker: "w", lease: 30))
        while ContinuousClock.now - claimed < .seconds(32) {
            try await pause(1)
            #expect(try await store.heartbeat(lease))
        }
        #expect(try await store.complete(lease, result: Data("r".utf8)))
    }

    @Test(arguments: StoreKind.allCases)
    func completeIsFenced(kind: StoreKind) async throws {
        let store = try await kind.open()
        defer { Task { await store.close() } }
        let (id, _) = try await store.submit(submission())
        let lease = try #require(try await store.claim(worker: "w", lease: 0.3))
        var wrongAttempt = lease
        wrongAttempt.attempt += 1
        var wrongWorker = lease
        wrongWorker.worker = "intruder"
        #expect(try await !store.complete(wrongAttempt, result: Data("x".utf8)))
        #expect(try await !store.complete(wrongWorker, result: Data("x".utf8)))
        #expect(try await !store.fail(wrongWorker, error: "x", retryAfter: 0))
        #expect(try await !store.release(wrongAttempt))
        #expect(try await !store.heartbeat(wrongWorker))
        try await pause(0.5)
        #expect(try await !store.complete(lease, result: Data("late".utf8)))
        #expect(try await !store.heartbeat(lease))
        let progress = try await store.status(of: id)
        #expect(progress.videos[0].done == 0)
        #expect(try await store.results(of: progress.videos[0].id) == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func failedShardBacksOffRetriesThenDies(kind: StoreKind) async throws {
        let store = try await kind.open()
        defer { Task { await store.close() } }
        let (id, _) = try await store.submit(submission(videos: 2, shards: 1, maxAttempts: 2))
        let first = try #require(try await store.claim(worker: "w", lease: 30))
        #expect(first.index == 0 && first.input == "/in/0.mp4")
        // Only lower bounds on time are checked, so a slow, loaded machine cannot make this fail.
        let backoff = 2.0
        let failedAt = ContinuousClock.now
        #expect(try await store.fail(first, error: "boom 1", retryAfter: backoff))
        #expect(try await !store.fail(first, error: "again", retryAfter: 0))  // the lease is gone
        var retry: ShardLease?
        var otherDone = false
        let deadline = ContinuousClock.now + .seconds(60)
        while (retry == nil || !otherDone) && ContinuousClock.now < deadline {
            guard let lease = try await store.claim(worker: "w2", lease: 30) else {
                try await pause(0.1)
                continue
            }
            if lease.shard == first.shard {
                #expect(ContinuousClock.now - failedAt >= .seconds(backoff), "handed out again before its backoff")
                #expect(lease.attempt == 2)
                retry = lease
            } else {
                #expect(lease.input == "/in/1.mp4")
                #expect(try await store.complete(lease, result: Data("ok".utf8)))
                otherDone = true
            }
        }
        let second = try #require(retry)
        #expect(otherDone)
        #expect(try await store.fail(second, error: "boom 2", retryAfter: 0))
        #expect(try await store.claim(worker: "w", lease: 30) == nil)  // dead: no third attempt

        let progress = try await store.status(of: id)
        #expect(progress.videos.map(\.state) == [.failed, .done])
        #expect(progress.videos[0].dead == 1)
        #expect(progress.videos[0].errors == ["boom 2", "boom 1"])
        #expect(progress.videos[1].errors.isEmpty)
        #expect(try await store.results(of: progress.videos[0].id) == nil)
        #expect(try await store.results(of: progress.videos[1].id)?.map(\.result) == [Data("ok".utf8)])
        #expect(try await store.jobs().first?.dead == 1)
        #expect(try await store.unfinishedShards(of: progress.videos[0].id)
                == [UnfinishedShard(index: 0, payload: Data("v0s0".utf8), attempts: 2, lastError: "boom 2", dead: true)])
        #expect(try await store.unfinishedShards(of: progress.videos[1].id).isEmpty)
        let error = await #expect(throws: JobStoreError.self) { _ = try await store.unfinishedShards(of: 999_999) }
        #expect(error?.code == .unknownVideo)
    }

    /// A dead shard does not end its video: the others run on, and the video
    /// is partial once none is left (failed only when every shard died).
    @Test(arguments: StoreKind.allCases)
    func aVideoWithADeadShardRunsOnAndEndsPartial(kind: StoreKind) async throws {
        let store = try await kind.open()
        defer { Task { await store.close() } }
        let (id, _) = try await store.submit(submission(shards: 3, maxAttempts: 1))
        let dying = try #require(try await store.claim(worker: "w", lease: 30))
        #expect(try await store.fail(dying, error: "worker crashed on this minute", retryAfter: 0))
        var video = try await store.status(of: id).videos[0]
        #expect(video.state == .running && video.dead == 1, "two shards left to run")
        for _ in 0..<2 { #expect(try await #require(try await store.claim(worker: "w", lease: 30)).complete(in: store)) }
        video = try await store.status(of: id).videos[0]
        #expect(video.state == .partial && video.done == 2 && video.dead == 1)
        #expect(try await store.results(of: video.id) == nil, "not every shard is done")
        #expect(try await store.result(of: video.id, index: dying.index) == nil)
        let dead = try await store.unfinishedShards(of: video.id)
        #expect(dead.map(\.index) == [dying.index] && dead.first?.lastError == "worker crashed on this minute")
        #expect(dead.first?.attempts == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func expiredLeaseGoesToAnotherWorker(kind: StoreKind) async throws {
        let store = try await kind.open()
        defer { Task { await store.close() } }
        let (id, _) = try await store.submit(submission(maxAttempts: 3))
        let stale = try #require(try await store.claim(worker: "slow", lease: 0.3))
        try await pause(0.5)
        let fresh = try #require(try await store.claim(worker: "fast", lease: 30))
        #expect(fresh.shard == stale.shard)
        #expect(fresh.attempt == 2)
        #expect(try await !stale.complete(in: store))
        #expect(try await !store.heartbeat(stale))
        #expect(try await store.complete(fresh, result: Data("fresh".utf8)))
        let progress = try await store.status(of: id)
        #expect(progress.videos[0].errors == ["lease expired (worker slow)"])
        #expect(try await store.results(of: progress.videos[0].id)?.map(\.result) == [Data("fresh".utf8)])
    }

    @Test(arguments: StoreKind.allCases)
    func expiredLastAttemptDeadLetters(kind: StoreKind) async throws {
        let store = try await kind.open()
        defer { Task { await store.close() } }
        let (id, _) = try await store.submit(submission(maxAttempts: 1))
        _ = try #require(try await store.claim(worker: "gone", lease: 0.2))
        try await pause(0.4)
        #expect(try await store.claim(worker: "w", lease: 30) == nil)
        let video = try await store.status(of: id).videos[0]
        #expect(video.state == .failed)
        #expect(video.dead == 1 && video.leased == 0)
    }

    @Test(arguments: StoreKind.allCases)
    func releaseDoesNotCountAnAttempt(kind: StoreKind) async throws {
        let store = try await kind.open()
        defer { Task { await store.close() } }
        _ = try await store.submit(submission(maxAttempts: 1))
        let first = try #require(try await store.claim(worker: "stopping", lease: 30))
        #expect(try await store.release(first))
        let second = try #require(try await store.claim(worker: "next", lease: 30))
        #expect(second.shard == first.shard)
        #expect(second.attempt == 1)
        #expect(try await !first.complete(in: store))  // released: no longer its lease
        #expect(try await store.complete(second, result: Data("r".utf8)))
    }

    @Test(arguments: StoreKind.allCases)
    func retryDeadRevivesDeadShards(kind: StoreKind) async throws {
        let store = try await kind.open()
        defer { Task { await store.close() } }
        let (id, _) = try await store.submit(submission(shards: 2, maxAttempts: 1))
        let first = try #require(try await store.claim(worker: "w", lease: 30))
        #expect(try await store.fail(first, error: "boom", retryAfter: 0))
        let second = try #require(try await store.claim(worker: "w", lease: 30))
        #expect(try await second.complete(in: store))
        #expect(try await store.claim(worker: "w", lease: 30) == nil)
        #expect(try await store.status(of: id).videos[0].state == .partial)

        #expect(try await store.retryDead(in: id) == 1)
        #expect(try await store.status(of: id).videos[0].state == .running)
        let revived = try #require(try await store.claim(worker: "w", lease: 30))
        #expect(revived.shard == first.shard && revived.attempt == 1)
        #expect(try await revived.complete(in: store))
        let video = try await store.status(of: id).videos[0]
        #expect(video.state == .done)
        #expect(try await store.results(of: video.id)?.count == 2)
        #expect(try await store.unfinishedShards(of: video.id).isEmpty)
        #expect(try await store.retryDead(in: id) == 0)
        let error = await #expect(throws: JobStoreError.self) { _ = try await store.retryDead(in: "nosuchjob") }
        #expect(error?.code == .unknownJob)
    }

    @Test(arguments: StoreKind.allCases)
    func claimsCanBeKeptToOneJob(kind: StoreKind) async throws {
        let store = try await kind.open()
        defer { Task { await store.close() } }
        let (earlier, _) = try await store.submit(submission(shards: 2))
        let (later, _) = try await store.submit(submission(shards: 2))
        for _ in 0..<2 {
            let lease = try #require(try await store.claim(worker: "w", lease: 30, job: later))
            #expect(lease.job == later)
            #expect(try await lease.complete(in: store))
        }
        #expect(try await store.claim(worker: "w", lease: 30, job: later) == nil)
        #expect(try await store.claim(worker: "w", lease: 30, job: "nosuchjob") == nil)
        #expect(try await store.claim(worker: "w", lease: 30)?.job == earlier, "no job given: any job's shard")
    }

    @Test(arguments: StoreKind.allCases)
    func cancelStopsClaims(kind: StoreKind) async throws {
        let store = try await kind.open()
        defer { Task { await store.close() } }
        let (id, _) = try await store.submit(submission(shards: 3))
        let running = try #require(try await store.claim(worker: "w", lease: 30))
        try await store.cancel(id)
        #expect(try await store.claim(worker: "w", lease: 30) == nil)
        let video = try await store.status(of: id).videos[0].id
        let left = try await store.unfinishedShards(of: video)
        #expect(left.map(\.index) == [0, 1, 2] && left.allSatisfy { !$0.dead }, "leased and pending ones: \(left)")
        #expect(try await running.complete(in: store))  // a running shard may finish
        #expect(try await store.unfinishedShards(of: video).map(\.index) == [1, 2])
        #expect(try await store.status(of: id).cancelled)
        #expect(try await store.jobs().first?.cancelled == true)
        let other = try await store.submit(submission())
        #expect(try await store.claim(worker: "w", lease: 30)?.job == other.id)  // other jobs go on
        let error = await #expect(throws: JobStoreError.self) { try await store.cancel("nosuchjob") }
        #expect(error?.code == .unknownJob)
    }

    @Test(arguments: StoreKind.allCases)
    func resultsOnlyWhenEveryShardIsDoneInShardOrder(kind: StoreKind) async throws {
        let store = try await kind.open()
        defer { Task { await store.close() } }
        let (id, _) = try await store.submit(submission(shards: 3))
        var leases: [ShardLease] = []
        for _ in 0..<3 { leases.append(try #require(try await store.claim(worker: "w", lease: 30))) }
        let video = try await store.status(of: id).videos[0].id
        for index in [2, 0] {
            #expect(try await leases[index].complete(in: store))
            #expect(try await store.results(of: video) == nil)
        }
        #expect(try await leases[1].complete(in: store))
        let outcomes = try #require(try await store.results(of: video))
        #expect(outcomes.map(\.index) == [0, 1, 2])
        #expect(outcomes.map(\.payload) == (0..<3).map { Data("v0s\($0)".utf8) })
        #expect(outcomes.map(\.result) == (0..<3).map { Data("result \($0)".utf8) })
        let error = await #expect(throws: JobStoreError.self) { _ = try await store.results(of: 999_999) }
        #expect(error?.code == .unknownVideo)
    }

    @Test(arguments: StoreKind.allCases)
    func statusCountsEveryState(kind: StoreKind) async throws {
        let store = try await kind.open()
        defer { Task { await store.close() } }
        var job = submission(videos: 2, shards: 4, maxAttempts: 1)
        job.videos[0].shards = []
        job.videos[0].failure = "cannot probe /in/0.mp4"
        let (id, _) = try await store.submit(job)
        let done = try #require(try await store.claim(worker: "w", lease: 30))
        #expect(try await done.complete(in: store))
        let dead = try #require(try await store.claim(worker: "w", lease: 30))
        #expect(try await store.fail(dead, error: "boom", retryAfter: 0))
        _ = try #require(try await store.claim(worker: "w", lease: 30))

        let progress = try await store.status(of: id)
        #expect(progress.job == id)
        #expect(progress.settings == job.settings)
        #expect(!progress.cancelled)
        #expect(progress.videos.map(\.name) == ["video0", "video1"])
        #expect(progress.videos.map(\.info) == job.videos.map(\.info))
        let failed = progress.videos[0]
        #expect(failed.state == .failed && failed.shards == 0)
        #expect(failed.errors == ["cannot probe /in/0.mp4"])
        #expect(try await store.results(of: failed.id) == nil)
        let video = progress.videos[1]
        #expect([video.shards, video.done, video.leased, video.dead] as [Int] == [4, 1, 1, 1])
        #expect(video.state == .running, "a shard is dead, but two are left")
        #expect(progress.completions.count == 1)
        #expect(abs(progress.created.timeIntervalSinceNow) < 60)
        let summary = try #require(try await store.jobs().first)
        #expect([summary.videos, summary.shards, summary.done, summary.dead] as [Int] == [2, 4, 1, 1])
        let error = await #expect(throws: JobStoreError.self) { _ = try await store.status(of: "nosuchjob") }
        #expect(error?.code == .unknownJob)
    }

    /// Four workers, each with its own store instance (its own SQLite pool or
    /// PostgreSQL client) on one database, race over 200 shards: every shard
    /// is completed exactly once and none is lost.
    @Test(arguments: StoreKind.allCases)
    func concurrentWorkersCompleteEveryShardOnce(kind: StoreKind) async throws {
        let location = try kind.freshLocation()
        let coordinator = try await location.open(callTimeout: StoreKind.callTimeout)
        defer { Task { await coordinator.close() } }
        let (id, _) = try await coordinator.submit(submission(videos: 2, shards: 100))
        let completed = try await withThrowingTaskGroup(of: [ShardID].self) { group in
            for n in 0..<4 {
                group.addTask {
                    let store = try await location.open(callTimeout: StoreKind.callTimeout)
                    var mine: [ShardID] = []
                    while let lease = try await store.claim(worker: "w\(n)", lease: 30) {
                        guard try await lease.complete(in: store) else { break }
                        mine.append(lease.shard)
                    }
                    await store.close()
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(completed.count == 200)
        #expect(Set(completed).count == 200)
        let progress = try await coordinator.status(of: id)
        #expect(progress.videos.map(\.done) == [100, 100])
        for video in progress.videos {
            let outcomes = try #require(try await coordinator.results(of: video.id))
            #expect(outcomes.map(\.index) == Array(0..<100))
            #expect(outcomes.map(\.result) == outcomes.map { Data("result \($0.index)".utf8) })
        }
    }
}

extension ShardLease {
    /// Completes with the result `result <index>`.
    func complete(in store: any JobStore) async throws -> Bool {
        try await store.complete(self, result: Data("result \(index)".utf8))
    }
}
