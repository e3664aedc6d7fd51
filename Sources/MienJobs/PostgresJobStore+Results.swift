import Foundation
import PostgresNIO

extension PostgresJobStore {
    /// One shard's result, or nil while it is not done.
    /// - Throws: `JobStoreError.unknownVideo`, `.timedOut`, `.unavailable` or `.queryFailed`.
    public func result(of video: VideoID, index: Int) async throws -> ShardOutcome? {
        let name = location.description
        return try await transaction("result of shard \(index) of video \(video)") { connection, logger in
            try await Self.requireVideo(video, in: connection, logger: logger, store: name)
            var outcome: ShardOutcome?
            for try await (position, payload, data) in try await connection.query("""
                SELECT s.position, s.payload, r.data FROM shards s JOIN results r ON r.shard = s.id
                WHERE s.video = \(video) AND s.position = \(index) AND s.state = 'done'
                """, logger: logger).decode((Int, Data, Data).self) {
                outcome = ShardOutcome(index: position, payload: payload, result: data)
            }
            return outcome
        }
    }

    /// The video's shards that are not done, in shard order.
    /// - Throws: `JobStoreError.unknownVideo`, `.timedOut`, `.unavailable` or `.queryFailed`.
    public func unfinishedShards(of video: VideoID) async throws -> [UnfinishedShard] {
        let name = location.description
        return try await transaction("unfinished shards of video \(video)") { connection, logger in
            try await Self.requireVideo(video, in: connection, logger: logger, store: name)
            var unfinished: [UnfinishedShard] = []
            for try await (position, payload, attempts, lastError, state) in try await connection.query("""
                SELECT position, payload, attempts, last_error, state FROM shards
                WHERE video = \(video) AND state != 'done' ORDER BY position
                """, logger: logger).decode((Int, Data, Int, String?, String).self) {
                unfinished.append(UnfinishedShard(index: position, payload: payload, attempts: attempts, lastError: lastError,
                                                  dead: state == "dead"))
            }
            return unfinished
        }
    }

    /// Throws `JobStoreError.unknownVideo` unless `video` is in the store.
    private static func requireVideo(_ video: VideoID, in connection: PostgresConnection, logger: Logger,
                                     store: String) async throws {
        for try await _ in try await connection.query("SELECT 1 FROM videos WHERE id = \(video)", logger: logger).decode(Int.self) {
            return
        }
        throw JobStoreError(.unknownVideo, "job store \(store) has no video \(video)")
    }
}
