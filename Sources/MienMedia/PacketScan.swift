import CFFmpeg

/// Reads every packet of the video stream once, without decoding, for the
/// timestamps and keyframe flags that a container without a full index does
/// not list. Memory grows by about 24 bytes a frame. Timestamps that start again
/// from an earlier time (joined recordings) are moved on by `rebaser`.
struct PacketScan {
    /// Presentation timestamps (decode timestamps where a packet has none,
    /// counted on from the packet before where it has neither), rebased.
    var timestamps: [Int64] = []
    /// Timestamps of keyframe packets, rebased.
    var keyframeTimestamps: [Int64] = []
    /// How many times the timestamps started again from an earlier time.
    var resets = 0
    /// Packets without a timestamp, whose times were counted on.
    var counted = 0

    init(input: FormatContext, choice: VideoStreamChoice, rebaser: TimestampRebaser) throws(MediaError) {
        let reader = PacketReader(input: input, streamIndex: choice.index)
        let packet = Packet()
        var keyframes: [Bool] = []
        var orders: [Int64] = []  // decode timestamps, to find resets (see TimestampRebaser)
        while try reader.next(into: packet) {
            let p = packet.pointer.pointee
            var time = p.pts != FFmpegResult.noPTS ? p.pts : p.dts
            if time == FFmpegResult.noPTS {
                // A raw stream (an .h264 dump from a Raspberry Pi or an IP
                // camera) has none: count on from the packet before, by this
                // packet's duration or one frame interval.
                let step = p.duration > 0 ? p.duration : rebaser.interval
                guard let next = timestamps.last.map({ TimestampMath.sum($0, step) }) ?? 0 else { continue }
                time = next
                counted += 1
            }
            timestamps.append(time)
            orders.append(p.dts != FFmpegResult.noPTS ? p.dts : time)
            keyframes.append((p.flags & AV_PKT_FLAG_KEY) != 0)
        }
        if reader.endedWithErrors {
            throw MediaError(.truncated, path: input.path,
                "truncated: the data ends with read errors after \(reader.packets) video packets",
                ffmpegLog: reader.lastError.map { [$0] } ?? [])
        }
        var rebaser = rebaser
        timestamps = rebaser.rebase(all: timestamps, orders: orders, keyframes: keyframes)
        resets = rebaser.resets
        keyframeTimestamps = zip(timestamps, keyframes).compactMap { $1 ? $0 : nil }
    }
}
