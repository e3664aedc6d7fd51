import CFFmpeg

/// Reads every packet of the video stream once, without decoding, for the
/// timestamps and keyframe flags that a container without a full index does
/// not list. Memory grows by 8 bytes a frame.
struct PacketScan {
    /// Presentation timestamps (decode timestamps where a packet has none).
    var timestamps: [Int64] = []
    /// Timestamps of keyframe packets.
    var keyframeTimestamps: [Int64] = []

    init(input: FormatContext, choice: VideoStreamChoice) throws(MediaError) {
        let reader = PacketReader(input: input, streamIndex: choice.index)
        let packet = Packet()
        while try reader.next(into: packet) {
            let p = packet.pointer.pointee
            let time = p.pts != FFmpegResult.noPTS ? p.pts : p.dts
            guard time != FFmpegResult.noPTS else { continue }
            timestamps.append(time)
            if (p.flags & AV_PKT_FLAG_KEY) != 0 { keyframeTimestamps.append(time) }
        }
        if reader.endedWithErrors {
            throw MediaError(.truncated, path: input.path,
                "truncated: the data ends with read errors after \(reader.packets) video packets",
                ffmpegLog: reader.lastError.map { [$0] } ?? [])
        }
    }
}
