import Foundation
import GRDB

extension SQLiteJobStore {
    /// One shard's result, or nil while it is not done.
    /// - Throws: `JobStoreError.unknownVideo`, or `.queryFailed`.
    public func result(of video: VideoID, index: Int) async throws -> ShardOutcome? {
        let name = "sqlite:\(path)"
        return try await read { db in
            try Self.requireVideo(video, in: db, store: name)
            return try Row.fetchOne(db, sql: """
                SELECT s.position, s.payload, r.data FROM shards s JOIN results r ON r.shard = s.id
                WHERE s.video = ? AND s.position = ? AND s.state = 'done'
                """, arguments: [video, index]).map { ShardOutcome(index: $0["position"], payload: $0["payload"], result: $0["data"]) }
        }
    }

    /// The video's shards that are not done, in shard order.
    /// - Throws: `JobStoreError.unknownVideo`, or `.queryFailed`.
    public func unfinishedShards(of video: VideoID) async throws -> [UnfinishedShard] {
        let name = "sqlite:\(path)"
        return try await read { db in
            try Self.requireVideo(video, in: db, store: name)
            return try Row.fetchAll(db, sql: """
                SELECT position, payload, attempts, last_error, state FROM shards WHERE video = ? AND state != 'done' ORDER BY position
                """, arguments: [video]).map {
                UnfinishedShard(index: $0["position"], payload: $0["payload"], attempts: $0["attempts"], lastError: $0["last_error"],
                                dead: $0["state"] == "dead")
            }
        }
    }

    /// Throws `JobStoreError.unknownVideo` unless `video` is in the store.
    private static func requireVideo(_ video: VideoID, in db: Database, store: String) throws {
        guard try Int.fetchOne(db, sql: "SELECT 1 FROM videos WHERE id = ?", arguments: [video]) != nil else {
            throw JobStoreError(.unknownVideo, "job store \(store) has no video \(video)")
        }
    }
}
