import Foundation
import MienJobs
import MienPipeline

/// Finished videos' collected files, kept while the server runs.
///
/// Collecting a long video takes longer than one request may: 210 s for a
/// 3-hour recording of 40 faces (README, "Memory"), against the default
/// 120 s limit, so its meta and timeline would answer 503 for ever. The
/// first request for a video starts its collection, which goes on when that
/// request's deadline answers 503; a later request waits for the same
/// collection or is served from the kept files at once (`mien collect
/// --server` asks for the meta file and then the timeline: one collection).
/// Only finished videos are kept (every shard done, or done and dead: a
/// partial timeline), under a key that holds their done and dead shard counts,
/// since `retry` can still turn a partial one into another (its dead shards
/// run again): the new counts make a new entry, and the old one ages out. A
/// collection that fails (or writes a failed meta file: the disk
/// was full) is forgotten, so the next request tries again. A long-running
/// server would fill its disk with them (a 3-hour recording of 40 faces
/// writes a 1 GiB timeline), so past `budget` bytes the least recently used
/// are removed, except those a request is still sending and the newest; a
/// later request for a removed one collects it again.
actor CollectedVideos {
    /// One video of one job.
    struct Key: Hashable, Sendable {
        let job: JobID
        let video: VideoID
        /// The video's done and dead shards when it was collected.
        var done = 0
        var dead = 0
    }

    /// The folder the kept files go in, this server's own.
    nonisolated let folder: String
    /// The most bytes of kept files (`ServerLimits.keptCollectionBytes`).
    nonisolated let budget: Int64

    /// A collection, running or done.
    private struct Entry {
        /// Tells this entry from a later one for the same video (after a failed collection).
        let id: UInt64
        let task: Task<JobRoutes.Collected, any Error>
        let folder: String
        /// Its files' size once done (nil while it runs).
        var bytes: Int64?
        /// When it was last asked for (this actor's counter).
        var used: UInt64
        /// Requests that got it and have not yet sent its files.
        var pins = 0
    }

    private var entries: [Key: Entry] = [:]
    /// Collections that wrote a failed meta file, by pin: no longer handed
    /// out, their folders removed once the requests holding them let go.
    private var retired: [UInt64: (folder: String, pins: Int)] = [:]
    private var clock: UInt64 = 0

    /// Creates the store of kept collections, keeping at most `budget` bytes.
    init(budget: Int64) {
        self.budget = budget
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("mien-serve-collected-\(getpid())-\(UUID().uuidString.prefix(8))").path
    }

    /// The collection of `key`: the one started before, or a new one that
    /// runs `collect` with a new, empty folder of its own. The caller holds
    /// it (its files are not removed) until it calls `release(key, pin:)`
    /// with the pin returned.
    func collection(of key: Key, _ collect: @escaping @Sendable (String) async throws -> JobRoutes.Collected)
        -> (task: Task<JobRoutes.Collected, any Error>, pin: UInt64) {
        clock += 1
        if var entry = entries[key] {
            entry.used = clock
            entry.pins += 1
            entries[key] = entry
            return (entry.task, entry.id)
        }
        let target = folder + "/" + UUID().uuidString
        let task = Task.detached { [weak self] () async throws -> JobRoutes.Collected in
            do {
                try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
                let collected = try await collect(target)
                // A done video whose files could not be written (a full disk) is tried again next time.
                if collected.meta.status == .failed { await self?.retire(key) } else { await self?.finished(key) }
                return collected
            } catch {
                await self?.forget(key)
                try? FileManager.default.removeItem(atPath: target)
                throw error
            }
        }
        entries[key] = Entry(id: clock, task: task, folder: target, used: clock, pins: 1)
        return (task, clock)
    }

    /// A request is done with `key`'s files (opened them, or gave up
    /// waiting); `pin` is what `collection(of:)` returned, so a release for
    /// an entry forgotten since (its collection failed) leaves a newer one be.
    func release(_ key: Key, pin: UInt64) {
        if var old = retired[pin] {
            old.pins -= 1
            retired[pin] = old.pins > 0 ? old : nil
            if old.pins <= 0 { try? FileManager.default.removeItem(atPath: old.folder) }
            return
        }
        guard var entry = entries[key], entry.id == pin else { return }
        entry.pins = max(0, entry.pins - 1)
        entries[key] = entry
        trim()
    }

    /// `key`'s collection wrote a failed meta file (a full disk): the next
    /// request collects again; this folder goes once its requests let go.
    private func retire(_ key: Key) {
        guard let entry = entries.removeValue(forKey: key) else { return }
        if entry.pins > 0 {
            retired[entry.id] = (entry.folder, entry.pins)
        } else {
            try? FileManager.default.removeItem(atPath: entry.folder)
        }
    }

    /// The bytes of kept files, of finished collections.
    var keptBytes: Int64 { entries.values.reduce(0) { $0 + ($1.bytes ?? 0) } }

    /// Whether `key` is kept or being collected (tests).
    func holds(_ key: Key) -> Bool { entries[key] != nil }

    private func forget(_ key: Key) { entries[key] = nil }

    /// `key`'s collection is done: its size counts from now on.
    private func finished(_ key: Key) {
        guard var entry = entries[key] else { return }
        entry.bytes = Self.size(of: entry.folder)
        clock += 1
        entry.used = clock
        entries[key] = entry
        trim()
    }

    /// Past the budget, removes the least recently used finished collections
    /// that no request holds, never the most recently used one (a video
    /// larger than the budget is still served once it is collected).
    private func trim() {
        var total = keptBytes
        guard total > budget else { return }
        let newest = entries.max { $0.value.used < $1.value.used }?.key
        let candidates = entries.filter { $0.key != newest && $0.value.pins == 0 && $0.value.bytes != nil }
            .sorted { $0.value.used < $1.value.used }
        for (key, entry) in candidates where total > budget {
            entries[key] = nil
            try? FileManager.default.removeItem(atPath: entry.folder)
            total -= entry.bytes ?? 0
        }
    }

    /// The bytes of the files in `folder` (not recursive: a collection writes a flat folder).
    private static func size(of folder: String) -> Int64 {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.reduce(0) { sum, name in
            let attributes = try? FileManager.default.attributesOfItem(atPath: folder + "/" + name)
            return sum + ((attributes?[.size] as? NSNumber)?.int64Value ?? 0)
        }
    }

    /// Removes every kept file (the server stops).
    nonisolated func removeAll() { try? FileManager.default.removeItem(atPath: folder) }
}
