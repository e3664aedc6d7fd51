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
/// Only videos whose shards are all done are kept, since their results never
/// change; a collection that fails (or writes a failed meta file: the disk
/// was full) is forgotten, so the next request tries again.
actor CollectedVideos {
    /// One video of one job.
    struct Key: Hashable, Sendable {
        let job: JobID
        let video: VideoID
    }

    /// The folder the kept files go in, this server's own.
    nonisolated let folder: String
    private var collections: [Key: Task<JobRoutes.Collected, any Error>] = [:]

    init() {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("mien-serve-collected-\(getpid())-\(UUID().uuidString.prefix(8))").path
    }

    /// The collection of `key`: the one started before, or a new one that
    /// runs `collect` with a new, empty folder of its own.
    func collection(of key: Key, _ collect: @escaping @Sendable (String) async throws -> JobRoutes.Collected)
        -> Task<JobRoutes.Collected, any Error> {
        if let started = collections[key] { return started }
        let target = folder + "/" + UUID().uuidString
        let task = Task.detached { [weak self] () async throws -> JobRoutes.Collected in
            do {
                try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
                let collected = try await collect(target)
                // A done video whose files could not be written (a full disk) is tried again next time.
                if collected.meta.status == .failed { await self?.forget(key) }
                return collected
            } catch {
                await self?.forget(key)
                try? FileManager.default.removeItem(atPath: target)
                throw error
            }
        }
        collections[key] = task
        return task
    }

    private func forget(_ key: Key) { collections[key] = nil }

    /// Removes every kept file (the server stops).
    nonisolated func removeAll() { try? FileManager.default.removeItem(atPath: folder) }
}
