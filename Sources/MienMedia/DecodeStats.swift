/// Counts kept while reading a stream, so damage is reported rather than hidden.
public struct DecodeStats: Sendable, Equatable, Codable {
    /// Packets of the video stream handed to the decoder.
    public var packets = 0
    /// Frames the decoder produced.
    public var frames = 0
    /// Packets the decoder rejected as invalid; they are skipped.
    public var corruptPackets = 0
    /// Frames the decoder flagged as damaged (delivered, but possibly with artefacts).
    public var corruptFrames = 0
    /// Errors the demuxer returned while reading (data cut off or unreadable).
    public var readErrors = 0
    /// The last demuxer or decoder error, in words.
    public var lastError: String?

    /// Creates zeroed counts.
    public init() {}

    /// Whether anything was skipped or damaged.
    public var hasDamage: Bool { corruptPackets + corruptFrames + readErrors > 0 }

    enum CodingKeys: String, CodingKey {
        case packets, frames
        case corruptPackets = "corrupt_packets", corruptFrames = "corrupt_frames"
        case readErrors = "read_errors", lastError = "last_error"
    }

    /// Encodes every key; `last_error` is `null` when there was none (meta
    /// files keep the same keys whatever happened).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(packets, forKey: .packets)
        try c.encode(frames, forKey: .frames)
        try c.encode(corruptPackets, forKey: .corruptPackets)
        try c.encode(corruptFrames, forKey: .corruptFrames)
        try c.encode(readErrors, forKey: .readErrors)
        try c.encode(lastError, forKey: .lastError)
    }
}

extension DecodeStats {
    /// The counts of two reads together (a video read in shards); the later error is kept.
    public static func + (a: DecodeStats, b: DecodeStats) -> DecodeStats {
        var s = DecodeStats()
        s.packets = a.packets + b.packets
        s.frames = a.frames + b.frames
        s.corruptPackets = a.corruptPackets + b.corruptPackets
        s.corruptFrames = a.corruptFrames + b.corruptFrames
        s.readErrors = a.readErrors + b.readErrors
        s.lastError = b.lastError ?? a.lastError
        return s
    }
}
