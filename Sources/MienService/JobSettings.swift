import Foundation
import MienMedia
import MienPipeline

/// A stored job's settings payload: what every worker needs besides the shard.
public struct JobSettings: Sendable, Hashable, Codable {
    /// What to compute.
    public var analysis: AnalysisSettings
    /// Whether http(s) inputs may be opened.
    public var allowNetwork: Bool
    /// Whether playlist-like inputs (HLS, concat, image sequences) may be opened.
    public var allowPlaylists: Bool
    /// Target shard length, seconds.
    public var shardSeconds: Double
    /// Tracking warm-up before each shard, seconds.
    public var warmUp: Double
    /// Which video stream of each input to read (`MediaOpenOptions.videoStream`);
    /// nil, and then not stored, for FFmpeg's best, so jobs stored before it keep their keys.
    public var videoStream: Int?
    /// The digests of the model files the submitter read (`ModelWeights.digests`):
    /// part of the job's key, so other weights make another job, and checked by
    /// every worker before it analyses a shard. nil, and then not stored, in
    /// jobs stored before 2026-12-07, which keep their keys and are not checked.
    public var weights: [String: String]?

    enum CodingKeys: String, CodingKey {
        case analysis, allowNetwork = "allow_network", allowPlaylists = "allow_playlists"
        case shardSeconds = "shard_seconds", warmUp = "warm_up", videoStream = "video_stream", weights
    }

    /// Creates settings.
    public init(analysis: AnalysisSettings, allowNetwork: Bool = false, allowPlaylists: Bool = false,
                shardSeconds: Double = ShardPlanner().shardSeconds, warmUp: Double = ShardPlanner().warmUp,
                videoStream: Int? = nil, weights: [String: String]? = nil) {
        self.analysis = analysis
        self.allowNetwork = allowNetwork
        self.allowPlaylists = allowPlaylists
        self.shardSeconds = shardSeconds
        self.warmUp = warmUp
        self.videoStream = videoStream
        self.weights = weights
    }

    /// How the job's inputs are opened.
    public var mediaOptions: MediaOpenOptions {
        MediaOpenOptions(allowNetwork: allowNetwork, allowPlaylists: allowPlaylists, videoStream: videoStream)
    }
}

/// A stored video's payload: the input as the coordinator saw it.
public struct VideoPayload: Sendable, Equatable, Codable {
    /// The input as given and resolved.
    public var input: InputSummary
    /// The probe figures; nil when it could not be probed.
    public var probe: VideoInfo?
    /// Why it could not be probed.
    public var failure: ErrorSummary?

    /// Creates a payload.
    public init(input: InputSummary, probe: VideoInfo?, failure: ErrorSummary?) {
        self.input = input
        self.probe = probe
        self.failure = failure
    }
}

/// How payloads are written and read: JSON with sorted keys (so equal values
/// give equal bytes, which keeps submissions idempotent).
public enum PayloadCoding {
    /// Encodes a payload.
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    /// Decodes a payload, naming what it is in the error.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, what: String) throws -> T {
        do { return try JSONDecoder().decode(type, from: data) } catch {
            throw ServiceError("cannot read a stored \(what): \(error)")
        }
    }
}

/// A failure of the coordinator or worker services, in words.
public struct ServiceError: Error, Sendable, CustomStringConvertible {
    /// The message.
    public var description: String
    /// Creates an error.
    public init(_ message: String) { description = message }
}
