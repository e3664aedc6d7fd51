import CFFmpeg

/// Decodes an input's video stream: from the start or from any time, every
/// frame or sampled on a time grid, with bounded memory.
///
/// ```swift
/// let reader = try VideoReader(path: "clip.mp4")
/// try reader.read(range: TimeRange(start: 5, end: 10), sampling: .grid(fps: 5)) { sample in
///     let gray = try sample.frame.image(PixelRequest(.gray, maxWidth: 640, maxHeight: 640))
/// }
/// ```
/// Damage in the middle (invalid packets, read errors) is skipped and counted in `stats`.
public final class VideoReader {
    /// What the headers say about the stream (no packet scan: see `VideoProber` for that).
    public let info: VideoInfo

    private let input: FormatContext
    private let packets: PacketReader
    private let decoder: VideoDecoder
    private let converter = PixelConverter()
    private let packet = Packet()
    private var pending: [DecodedFrame] = []
    /// Frames decoded ahead, not yet timed: only to confirm a timestamp reset.
    private var ahead: [Frame] = []
    /// Makes time run on across timestamp resets (joined recordings).
    private var rebaser: TimestampRebaser
    private var sentEnd = false
    private var hasRead = false
    private var lastTime: Double?
    /// Whether the container came with an index (before reading added any entries).
    private let containerIndexed: Bool

    /// Opens `path` for decoding.
    /// - Throws: `MediaError` naming the input and the cause when it cannot be decoded as video.
    public init(path: String, options: MediaOpenOptions = MediaOpenOptions()) throws(MediaError) {
        input = try FormatContext(path: path, options: options)
        let choice = try VideoStreamChoice(in: input, options: options)
        info = try VideoProber.basicInfo(input: input, choice: choice)
        packets = PacketReader(input: input, streamIndex: choice.index)
        containerIndexed = avformat_index_get_entries_count(choice.stream) > 0
        decoder = try VideoDecoder(choice: choice, path: path, options: options)
        rebaser = TimestampRebaser(timeBase: info.timeBase, fps: info.fps)
    }

    /// Counts of packets, frames and damage so far.
    public var stats: DecodeStats {
        var stats = DecodeStats()
        stats.packets = packets.packets
        stats.frames = decoder.frames
        stats.corruptPackets = decoder.corruptPackets
        stats.corruptFrames = decoder.corruptFrames
        stats.readErrors = packets.errors
        stats.lastError = packets.lastError ?? decoder.lastError
        return stats
    }

    /// Whether reading stopped on errors rather than a clean end (the file is cut off).
    public var endedWithErrors: Bool { packets.endedWithErrors }

    /// The next frame in presentation order, or nil at the end of the stream.
    /// Read from the start, times run on across timestamp resets (see
    /// `TimestampRebaser`); after a seek they are the stream's own.
    /// - Throws: `MediaError` when reading cannot go on at all.
    public func nextFrame() throws(MediaError) -> DecodedFrame? {
        if !pending.isEmpty { return pending.removeFirst() }
        hasRead = true
        if !ahead.isEmpty { return try makeFrame(ahead.removeFirst()) }
        guard let frame = try decodeNext() else { return nil }
        return try makeFrame(frame)
    }

    /// The next frame out of the decoder, untimed, or nil at the end of the stream.
    private func decodeNext() throws(MediaError) -> Frame? {
        while true {
            let frame = Frame()
            if decoder.receive(into: frame) { return frame }
            if sentEnd { return nil }
            if try packets.next(into: packet) {
                decoder.send(packet)
            } else {
                decoder.send(nil)
                sentEnd = true
            }
        }
    }

    /// Positions the reader so that frames come from the last frame at or before
    /// `seconds` on (the frame that covers that time); frames before it are not delivered.
    ///
    /// Seeks to the keyframe before `seconds` and decodes forward. If the
    /// container's seek lands after the time (its index gives decode rather than
    /// presentation times), it seeks again further back until it lands before.
    /// - Throws: `MediaError` when reading cannot go on at all, or `.invalidRequest`
    ///   for a time that is not a number or beyond any video (`TimestampMath.maxSeconds`).
    public func seek(to seconds: Double) throws(MediaError) {
        guard !seconds.isNaN, seconds <= TimestampMath.maxSeconds else {
            throw MediaError(.invalidRequest, path: info.path, "cannot seek to \(seconds) s")
        }
        pending = []
        if info.isImage || (seconds <= 0 && !hasRead) { return }
        var margin = 0.0
        while true {
            let target = max(0, seconds - margin)
            rawSeek(to: target)
            guard let first = try nextFrame() else {
                if target <= 0 { return }
                margin = margin == 0 ? 1 : margin * 2
                continue
            }
            if first.time <= seconds + TimeRange.tolerance || target <= 0 {
                // Skip forward to the frame covering `seconds`, keeping it.
                var covering = first
                while let next = try nextFrame() {
                    if next.time > seconds + TimeRange.tolerance {
                        pending = [covering, next]
                        return
                    }
                    covering = next
                }
                pending = [covering]
                return
            }
            margin = margin == 0 ? 1 : margin * 2
        }
    }

    private func rawSeek(to seconds: Double) {
        decoder.flush()
        packets.didSeek()
        sentEnd = false
        lastTime = nil
        ahead = []
        rebaser.restart()
        let stream = Int32(info.streamIndex)
        // A time base or start from a damaged header can put the target out of
        // 64 bits: then the start is the only place to seek to.
        if seconds > 0, let ticks = TimestampMath.ticks(seconds, timeBase: info.timeBase),
           let target = TimestampMath.sum(info.startPTS, ticks),
           av_seek_frame(input.pointer, stream, target, AVSEEK_FLAG_BACKWARD) >= 0 { return }
        seekToStart()
    }

    /// Back to the first frame. Containers with an index of their own (MP4,
    /// Matroska) seek to their first timestamp through it; those without one
    /// (MPEG-TS), whose timestamp search can land between keyframes, go to byte 0.
    private func seekToStart() {
        let stream = Int32(info.streamIndex)
        let byteSeekable = (input.pointer.pointee.iformat.pointee.flags & AVFMT_NO_BYTE_SEEK) == 0
        if !containerIndexed && byteSeekable, av_seek_frame(input.pointer, -1, 0, AVSEEK_FLAG_BYTE) >= 0 { return }
        if av_seek_frame(input.pointer, stream, info.startPTS, AVSEEK_FLAG_BACKWARD) >= 0 { return }
        _ = avformat_seek_file(input.pointer, -1, Int64.min, 0, 0, 0)
    }

    /// Wraps a decoded frame with its time. A timestamp that is missing, or
    /// beyond any real video from the start (`TimestampMath`: a damaged packet),
    /// is replaced by the previous frame's time plus one frame interval; a frame
    /// duration or interval of more than an hour counts as unknown. A timestamp
    /// well before the last one is rebased when the frames after it (decoded
    /// ahead for this) confirm a reset.
    private func makeFrame(_ frame: Frame) throws(MediaError) -> DecodedFrame {
        let f = frame.pointer.pointee
        let frameSeconds = TimestampMath.maxFrameSeconds
        let interval = info.fps.map { 1 / $0 }.flatMap { $0 <= frameSeconds ? $0 : nil } ?? 0
        var pts = f.best_effort_timestamp
        if pts != FFmpegResult.noPTS && !info.isImage {
            let keyframe = f.key_frame != 0
            if keyframe && rebaser.isBelow(pts) {
                while ahead.count < TimestampRebaser.confirmations, let next = try decodeNext() { ahead.append(next) }
            }
            let following = ahead.lazy.map { $0.pointer.pointee.best_effort_timestamp }.filter { $0 != FFmpegResult.noPTS }
            pts = rebaser.rebase(pts, order: pts, keyframe: keyframe, followedBy: following)
        }
        var time = lastTime.map { $0 + interval } ?? 0
        if pts != FFmpegResult.noPTS, let seconds = TimestampMath.seconds(pts, from: info.startPTS, timeBase: info.timeBase) {
            time = seconds
        }
        if info.isImage { time = 0 }
        lastTime = time
        let stated = f.pkt_duration > 0 ? TimestampMath.seconds(f.pkt_duration, timeBase: info.timeBase) : nil
        let duration = stated.flatMap { $0 <= frameSeconds ? $0 : nil } ?? interval
        return DecodedFrame(frame: frame, time: time, pts: pts, duration: duration,
                            rotation: info.rotation, pixelAspect: info.sampleAspect, converter: converter, path: info.path,
                            streamSize: info.isImage ? nil : (info.width, info.height))
    }
}
