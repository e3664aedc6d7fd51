import CFFmpeg

/// The demuxer's index of a stream (FFmpeg's `AVIndexEntry` list), when the
/// container has one: MP4 and MOV list every frame, Matroska lists keyframes.
struct ContainerIndex {
    /// Entry timestamps in the stream's time base (decode order, as stored).
    let timestamps: [Int64]
    /// Timestamps of entries flagged as keyframes.
    let keyframeTimestamps: [Int64]
    /// The largest byte offset an entry's data reaches, if entries carry positions.
    let endOffset: Int64?

    var count: Int { timestamps.count }

    /// Reads the index of `stream`; `path` names the input in messages.
    /// - Throws: `MediaError.badHeader` when an entry's byte range overflows 64 bits.
    init(stream: UnsafeMutablePointer<AVStream>, path: String) throws(MediaError) {
        let count = Int(avformat_index_get_entries_count(stream))
        var timestamps: [Int64] = []
        var keyframes: [Int64] = []
        var end: Int64 = -1
        timestamps.reserveCapacity(count)
        for i in 0..<count {
            guard let entry = avformat_index_get_entry(stream, Int32(i)) else { continue }
            timestamps.append(entry.pointee.timestamp)
            if (entry.pointee.flags & AVINDEX_KEYFRAME) != 0 { keyframes.append(entry.pointee.timestamp) }
            if entry.pointee.pos >= 0 {
                guard let entryEnd = TimestampMath.sum(entry.pointee.pos, Int64(entry.pointee.size)) else {
                    throw MediaError(.badHeader, path: path,
                        "damaged container index: entry \(i) says \(entry.pointee.size) bytes at byte \(entry.pointee.pos), beyond any file")
                }
                end = max(end, entryEnd)
            }
        }
        self.timestamps = timestamps
        self.keyframeTimestamps = keyframes
        self.endOffset = end >= 0 ? end : nil
    }

    /// Whether the index has one entry per frame (so it can stand in for reading the packets).
    func listsEveryFrame(expected frames: Int) -> Bool {
        frames > 0 && count == frames
    }
}
