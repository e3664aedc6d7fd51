import MienMedia
import MienPipeline

/// A shard's stored payload: its task (`ShardTask`'s keys) and the
/// coordinator's probe of the input (`probe`), so that a worker does not probe
/// the input again for every shard. Probing reads the container's index; for
/// MPEG-TS or Matroska without one it reads the whole file, which made each
/// shard of such a file cost a full read before its own decoding.
///
/// The probe is kept without its keyframe list (the shard's range is already
/// planned from it, and the analysis needs only the path and the duration),
/// so a long video's many shards do not each carry its thousands of
/// keyframe times. A payload without `probe` (a job stored by an older
/// version) still reads as a `ShardTask`; the worker then probes as before.
public struct ShardPayload: Sendable, Codable, Equatable {
    /// The shard.
    public var task: ShardTask
    /// The coordinator's probe of the input, keyframe times left out.
    public var probe: VideoInfo?

    enum CodingKeys: String, CodingKey {
        case probe
        case dataEnd = "probe_data_end"
    }

    /// A payload for `task` of the input `probe` describes.
    public init(task: ShardTask, probe: VideoInfo?) {
        self.task = task
        self.probe = probe.map { info in
            var slim = info
            slim.keyframeTimes = []
            slim.keyframeFrames = []
            return slim
        }
    }

    /// Reads the task's keys and, when present, the probe.
    public init(from decoder: any Decoder) throws {
        task = try ShardTask(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        probe = try container.decodeIfPresent(VideoInfo.self, forKey: .probe)
        probe?.dataEnd = try container.decodeIfPresent(Double.self, forKey: .dataEnd)
    }

    /// Writes the task's keys and the probe beside them.
    public func encode(to encoder: any Encoder) throws {
        try task.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(probe, forKey: .probe)
        try container.encodeIfPresent(probe?.dataEnd, forKey: .dataEnd)  // not in VideoInfo's JSON form
    }
}
