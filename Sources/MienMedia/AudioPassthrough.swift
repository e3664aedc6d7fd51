import CFFmpeg

/// The audio of an input, read as compressed packets to be copied unchanged
/// into another file (remuxed, not re-encoded): a second demuxer on the input
/// that reads only its main audio stream.
final class AudioPassthrough {
    /// The audio stream in the input.
    let stream: UnsafeMutablePointer<AVStream>
    private let input: FormatContext
    private let packet = Packet()
    private var held = false
    private var ended = false

    /// Opens `path` again and picks its main audio stream; nil when it has none.
    init?(path: String, options: MediaOpenOptions) throws(MediaError) {
        input = try FormatContext(path: path, options: options)
        let best = av_find_best_stream(input.pointer, AVMEDIA_TYPE_AUDIO, -1, -1, nil, 0)
        guard best >= 0, let stream = input.streams.first(where: { $0.pointee.index == best }) else { return nil }
        self.stream = stream
        for other in input.streams where other.pointee.index != best { other.pointee.discard = AVDISCARD_ALL }
    }

    /// The codec's name (`aac`, `mp3`, ...).
    var codecName: String { String(cString: avcodec_get_name(stream.pointee.codecpar.pointee.codec_id)) }

    /// Hands `body` each audio packet whose time is at or before `seconds` (in
    /// the stream's time base, from the stream's own clock) not handed out
    /// before; `nil` hands out every remaining packet. Packets without a
    /// timestamp go with the packet before them. Read errors end the audio.
    func copy(upTo seconds: Double?, _ body: (UnsafeMutablePointer<AVPacket>) throws(MediaError) -> Void) throws(MediaError) {
        while true {
            if !held {
                if ended { return }
                packet.unref()
                let result = av_read_frame(input.pointer, packet.pointer)
                if result < 0 { ended = true; return }
                guard packet.pointer.pointee.stream_index == stream.pointee.index else { continue }
                held = true
            }
            if let seconds, let time = time(of: packet.pointer), time > seconds { return }
            held = false
            try body(packet.pointer)
        }
    }

    /// A packet's presentation (else decoding) time in seconds, nil when it has neither.
    private func time(of packet: UnsafeMutablePointer<AVPacket>) -> Double? {
        let stamp = packet.pointee.pts != FFmpegResult.noPTS ? packet.pointee.pts : packet.pointee.dts
        guard stamp != FFmpegResult.noPTS else { return nil }
        return Double(stamp) * av_q2d(stream.pointee.time_base)
    }
}
