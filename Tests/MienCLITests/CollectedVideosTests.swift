import Foundation
import MienPipeline
@testable import MienServer
import Testing

/// The server's kept collections stay within their byte budget: the least
/// recently used go first, never one a request still holds, never the
/// newest (so a video larger than the budget is still served).
@Suite("mien serve: kept collections within their budget")
struct CollectedVideosTests {
    typealias Key = CollectedVideos.Key

    /// A request for `key`'s files, collected as one file of `bytes` bytes: its folder and its pin.
    static func request(_ key: Key, bytes: Int, status: TimelineStatus = .complete,
                        in cache: CollectedVideos) async throws -> (folder: String, pin: UInt64) {
        let (task, pin) = await cache.collection(of: key) { folder in
            try Data(count: bytes).write(to: URL(fileURLWithPath: folder + "/v.timeline.jsonl"))
            let meta = TimelineMeta(generator: "test", input: InputSummary(path: "v.mp4"), timeline: "v.timeline.jsonl",
                                    status: status, error: nil, probe: nil, models: nil, settings: AnalysisSettings(),
                                    counts: TimelineCounts(), decode: nil, times: StageTimes(), wallSeconds: 0, finished: Date())
            return JobRoutes.Collected(folder: folder, paths: (folder + "/v.timeline.jsonl", folder + "/v.meta.json"),
                                       meta: meta, kept: true)
        }
        return (try await task.value.folder, pin)
    }

    /// A request that fetches `key`'s files and lets go of them.
    static func fetch(_ key: Key, bytes: Int, in cache: CollectedVideos) async throws -> String {
        let (folder, pin) = try await request(key, bytes: bytes, in: cache)
        await cache.release(key, pin: pin)
        return folder
    }

    static func key(_ n: Int64) -> Key { Key(job: "job", video: n) }

    @Test func theLeastRecentlyUsedGoFirstAndHeldOrNewestStay() async throws {
        let cache = CollectedVideos(budget: 250)
        defer { cache.removeAll() }
        let a = try await Self.fetch(Self.key(1), bytes: 100, in: cache)
        let b = try await Self.fetch(Self.key(2), bytes: 100, in: cache)
        _ = try await Self.fetch(Self.key(1), bytes: 100, in: cache)  // a again: now more recent than b
        #expect(await cache.keptBytes == 200)

        let (c, cPin) = try await Self.request(Self.key(3), bytes: 100, in: cache)  // 300 > 250: b goes
        #expect(await !cache.holds(Self.key(2)))
        #expect(!FileManager.default.fileExists(atPath: b))
        #expect(await cache.holds(Self.key(1)) && FileManager.default.fileExists(atPath: a))
        #expect(await cache.keptBytes == 200)

        // c is still held by its request; a larger one than the budget evicts a, keeps c and itself.
        let big = try await Self.fetch(Self.key(4), bytes: 1000, in: cache)
        #expect(await !cache.holds(Self.key(1)) && !FileManager.default.fileExists(atPath: a))
        #expect(await cache.holds(Self.key(3)) && FileManager.default.fileExists(atPath: c))
        #expect(await cache.holds(Self.key(4)) && FileManager.default.fileExists(atPath: big), "the newest stays")

        // A stale pin (of an entry since forgotten) does not let go of c.
        await cache.release(Self.key(3), pin: cPin + 1000)
        #expect(await cache.holds(Self.key(3)))
        // Once released, c goes (the big one is the newest and stays).
        await cache.release(Self.key(3), pin: cPin)
        #expect(await !cache.holds(Self.key(3)) && !FileManager.default.fileExists(atPath: c))
        #expect(await cache.keptBytes == 1000)

        // A removed video is collected again when asked for.
        let again = try await Self.fetch(Self.key(1), bytes: 100, in: cache)
        #expect(FileManager.default.fileExists(atPath: again) && again != a)
    }

    /// A collection whose files could not be written (a failed meta file) is
    /// not kept: the next request collects again, and its folder goes once
    /// the requests holding it let go.
    @Test func aFailedCollectionIsRemovedOnceLetGo() async throws {
        let cache = CollectedVideos(budget: 1 << 20)
        defer { cache.removeAll() }
        let (failed, pin) = try await Self.request(Self.key(1), bytes: 10, status: .failed, in: cache)
        #expect(await !cache.holds(Self.key(1)), "not handed out again")
        #expect(FileManager.default.fileExists(atPath: failed), "still there for the request holding it")
        let again = try await Self.fetch(Self.key(1), bytes: 10, in: cache)
        #expect(again != failed && FileManager.default.fileExists(atPath: again))
        await cache.release(Self.key(1), pin: pin)
        #expect(!FileManager.default.fileExists(atPath: failed))
        #expect(await cache.holds(Self.key(1)) && FileManager.default.fileExists(atPath: again), "the newer one stays")
    }
}
