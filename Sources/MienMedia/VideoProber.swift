import CFFmpeg

/// Finds out what a video (or image) input holds, without decoding it unless asked.
public enum VideoProber {
    /// Probes `path`: container, codec, sizes, rotation, timing, keyframes.
    ///
    /// Keyframes, frame count and frame-rate variability come from the
    /// container's index when it lists every frame (MP4, MOV); otherwise from
    /// reading the packets without decoding them. With `countFrames`, every
    /// frame is decoded and counted, which is exact but takes as long as decoding.
    /// - Throws: `MediaError` naming the input and the cause when it cannot be read as video.
    public static func probe(
        _ path: String, countFrames: Bool = false, options: MediaOpenOptions = MediaOpenOptions()
    ) throws(MediaError) -> VideoInfo {
        let input = try FormatContext(path: path, options: options)
        let choice = try VideoStreamChoice(in: input, options: options)
        var info = try basicInfo(input: input, choice: choice)
        if !info.isImage {
            try addTiming(to: &info, input: input, choice: choice)
        }
        if countFrames {
            info.frames = try FrameCounter.count(path, options: options)
            info.framesSource = .decoded
        }
        return info
    }

    /// What the headers say, without reading packets: enough to decode.
    /// - Throws: `MediaError.badHeader` when a duration or keyframe time is beyond any real video.
    static func basicInfo(input: FormatContext, choice: VideoStreamChoice) throws(MediaError) -> VideoInfo {
        let stream = choice.stream.pointee
        let parameters = choice.parameters.pointee
        let demuxer = input.demuxerName
        let isImage = demuxer.hasSuffix("_pipe")
        // A JPEG still's EXIF orientation (a phone's portrait photo), which FFmpeg 5.1 leaves unapplied.
        let exif = isImage ? ExifOrientation.clockwiseDegrees(path: input.path) : nil
        let rotation = exif ?? DisplayRotation.clockwiseDegrees(of: choice.stream)
        let codedWidth = Int(parameters.width), codedHeight = Int(parameters.height)
        let sampleAspect = SampleAspect.of(input: input, choice: choice, isImage: isImage)
        let shown = SampleAspect.displaySize(codedWidth, codedHeight, ratio: sampleAspect)
        let sideways = rotation == 90 || rotation == 270
        let timeBase = choice.timeBase
        let noPTS = FFmpegResult.noPTS
        let startPTS = stream.start_time != noPTS ? stream.start_time : 0

        let average = Rational(Int(stream.avg_frame_rate.num), Int(stream.avg_frame_rate.den))
        let real = Rational(Int(stream.r_frame_rate.num), Int(stream.r_frame_rate.den))
        let fps: Double? = isImage ? nil : (average.isValid ? average.value : (real.isValid ? real.value : nil))

        let duration = isImage ? 0 : try Self.duration(input: input, choice: choice).seconds
        var frames = Int(stream.nb_frames)
        var framesSource = FrameCountSource.header
        if isImage {
            (frames, framesSource) = (1, .decoded)
        } else if frames <= 0 {
            // duration <= maxSeconds, so this only fails for a frame rate beyond any real one.
            (frames, framesSource) = (TimestampMath.int((duration * (fps ?? 0)).rounded()) ?? 0, .estimate)
        }
        let index = try ContainerIndex(stream: choice.stream, path: input.path)
        let keyframes = isImage ? [0] : try Self.times(of: index.keyframeTimestamps, from: startPTS, input: input, choice: choice)
        let keyframeFrames = isImage ? [0] : []
        let pixelFormat = av_get_pix_fmt_name(AVPixelFormat(rawValue: parameters.format)).map { String(cString: $0) }

        return VideoInfo(
            path: input.path, container: demuxer, codec: String(cString: avcodec_get_name(parameters.codec_id)),
            pixelFormat: pixelFormat ?? "unknown",
            width: sideways ? shown.height : shown.width, height: sideways ? shown.width : shown.height,
            codedWidth: codedWidth, codedHeight: codedHeight, sampleAspect: sampleAspect, rotation: rotation, fps: fps,
            timeBase: timeBase, startPTS: startPTS, startTime: Double(startPTS) * timeBase.value,
            duration: duration, frames: max(frames, 0), framesSource: framesSource, keyframeTimes: keyframes,
            keyframeFrames: keyframeFrames,
            vfr: false, audio: input.streams.contains { $0.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_AUDIO },
            isImage: isImage, streamIndex: choice.index, videoStreams: choice.videoStreams)
    }

    /// The video stream's duration in seconds from its header (the stream's
    /// own field, else its `DURATION` tag, which Matroska and WebM writers
    /// give each track, less the stream's start), else the container's, which counts every stream
    /// (audio may run longer); 0 when none says. `ofStream` says whether it
    /// is the video stream's own.
    /// - Throws: `MediaError.badHeader` when the one used is beyond `TimestampMath.maxSeconds`.
    static func duration(input: FormatContext, choice: VideoStreamChoice) throws(MediaError) -> (seconds: Double, ofStream: Bool) {
        let noPTS = FFmpegResult.noPTS
        let streamDuration = choice.stream.pointee.duration
        if streamDuration != noPTS && streamDuration > 0 {
            guard let seconds = TimestampMath.seconds(streamDuration, timeBase: choice.timeBase) else {
                throw MediaError(.badHeader, path: input.path, "damaged header: the video stream's duration is \(streamDuration) "
                    + "in time base \(TimestampMath.describe(choice.timeBase)), \(Self.beyond)")
            }
            return (seconds, true)
        }
        // FFmpeg's Matroska muxer writes the track's end time there, its start
        // included: a video that starts after the audio is shorter by that.
        if let tag = av_dict_get(choice.stream.pointee.metadata, "DURATION", nil, 0)?.pointee.value,
           let end = Self.clockSeconds(String(cString: tag)) {
            let start = choice.stream.pointee.start_time
            let startSeconds = start != noPTS ? TimestampMath.seconds(start, timeBase: choice.timeBase) ?? 0 : 0
            if end - max(0, startSeconds) > 0 { return (end - max(0, startSeconds), true) }
        }
        let containerDuration = input.pointer.pointee.duration
        if containerDuration != noPTS && containerDuration > 0 {
            let seconds = Double(containerDuration) / Double(mien_av_time_base())
            guard seconds <= TimestampMath.maxSeconds else {
                throw MediaError(.badHeader, path: input.path,
                    "damaged header: the container's duration is \(containerDuration) microseconds, \(Self.beyond)")
            }
            return (seconds, false)
        }
        return (0, false)
    }

    /// `HH:MM:SS.fraction` (a Matroska `DURATION` tag) in seconds; nil unless
    /// it reads as one within `TimestampMath.maxSeconds`.
    static func clockSeconds(_ text: String) -> Double? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let hours = Int(parts[0]), let minutes = Int(parts[1]), let seconds = Double(parts[2]),
              hours >= 0, (0..<60).contains(minutes), seconds >= 0, seconds < 60 else { return nil }
        let total = Double(hours) * 3600 + Double(minutes) * 60 + seconds
        return total <= TimestampMath.maxSeconds ? total : nil
    }

    /// `timestamps` as seconds from `origin`.
    /// - Throws: `MediaError.badHeader` naming the first that overflows or lies beyond `TimestampMath.maxSeconds`.
    private static func times(
        of timestamps: [Int64], from origin: Int64, input: FormatContext, choice: VideoStreamChoice
    ) throws(MediaError) -> [Double] {
        var times: [Double] = []
        times.reserveCapacity(timestamps.count)
        for timestamp in timestamps {
            guard let time = TimestampMath.seconds(timestamp, from: origin, timeBase: choice.timeBase) else {
                throw MediaError(.badHeader, path: input.path, "damaged timestamps: keyframe timestamp \(timestamp) is "
                    + "far from the stream's start \(origin) (time base \(TimestampMath.describe(choice.timeBase))), \(Self.beyond)")
            }
            times.append(time)
        }
        return times
    }

    /// The end of the sentence that refuses a time.
    private static let beyond = "more than \(Int(TimestampMath.maxSeconds)) seconds (about 116 days), beyond any real video"

    /// Keyframes, frame count and variability: from a full container index, else from the packets.
    private static func addTiming(to info: inout VideoInfo, input: FormatContext, choice: VideoStreamChoice) throws(MediaError) {
        let index = try ContainerIndex(stream: choice.stream, path: input.path)
        let timestamps: [Int64]
        var keyframes: [Int64]
        if index.listsEveryFrame(expected: Int(choice.stream.pointee.nb_frames)) {
            if let fileSize = input.byteSize, let needed = index.endOffset, needed > fileSize {
                throw MediaError(.truncated, path: input.path,
                    "truncated: the container index refers to \(needed) bytes but the file has \(fileSize)")
            }
            timestamps = index.timestamps
            keyframes = index.keyframeTimestamps
            info.frames = index.count
            info.framesSource = .index
        } else {
            let scan = try PacketScan(input: input, choice: choice,
                                      rebaser: TimestampRebaser(timeBase: choice.timeBase, fps: info.fps))
            timestamps = scan.timestamps
            keyframes = scan.keyframeTimestamps
            info.frames = scan.timestamps.count
            info.framesSource = .packets
            info.timestampResets = scan.resets
            info.timestampsCounted = scan.counted > 0
        }
        keyframes.sort()
        // An MP4 index holds decode times, which run ahead of presentation times by
        // the reordering delay; measured from the first entry, that delay cancels.
        let origin = index.listsEveryFrame(expected: Int(choice.stream.pointee.nb_frames))
            ? (index.timestamps.min() ?? info.startPTS) : info.startPTS
        info.keyframeTimes = try times(of: keyframes, from: origin, input: input, choice: choice)
        // Frames are numbered as the decoder delivers them, from the first
        // keyframe: a stream cut mid-GOP (a transport stream split by size)
        // starts with frames it cannot decode, which a shard's numbering must
        // not count either, or its frame numbers jump past the first shard's.
        let positions = FrameTiming.positions(of: keyframes, among: timestamps)
        info.keyframeFrames = positions.map { $0 - (positions.first ?? 0) }
        info.vfr = FrameTiming.isVariable(timestamps)
        // Packets that end well before the length the video stream's own
        // header gives (a Matroska or AVI file cut off while recording or
        // copying: its demuxer ends cleanly) leave the rest of it missing.
        // That length is the stream's duration, or (AVI) its frame count
        // times the frame interval: FFmpeg takes an AVI's duration from the
        // data it finds, while the header still counts every frame written.
        if info.timestampResets == 0, let last = timestamps.max(),
           let end = TimestampMath.seconds(last, from: origin, timeBase: choice.timeBase) {
            let interval = info.fps.map { 1 / $0 } ?? 0
            let (header, ofStream) = try Self.duration(input: input, choice: choice)
            let listed = input.demuxerName == "avi" ? max(0, Int(choice.stream.pointee.nb_frames)) : 0
            let length = max(ofStream ? header : 0, Double(listed) * interval)
            // More than a day missing is a damaged header, not a recording cut off.
            if end + interval < length - max(1, 3 * interval), length - end <= 86_400 {
                info.dataEnd = end + interval
                info.duration = max(info.duration, length)
            }
        }
        // A header without a duration (a browser's MediaRecorder WebM, a raw
        // H.264 stream, a recording cut short) left it 0, which made the
        // whole video one shard: the packets say how long it is.
        // Timestamps that start again (joined recordings) leave the header's
        // duration at one part's length: the rebased packets give the whole.
        if info.duration == 0 || info.timestampResets > 0, let last = timestamps.max(),
           let end = TimestampMath.seconds(last, from: origin, timeBase: choice.timeBase), end > 0 {
            info.duration = end + (info.fps.map { 1 / $0 } ?? 0)
        }
    }
}
