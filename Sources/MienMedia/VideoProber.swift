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
        var info = basicInfo(input: input, choice: choice)
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
    static func basicInfo(input: FormatContext, choice: VideoStreamChoice) -> VideoInfo {
        let stream = choice.stream.pointee
        let parameters = choice.parameters.pointee
        let demuxer = input.demuxerName
        let isImage = demuxer.hasSuffix("_pipe")
        let rotation = DisplayRotation.clockwiseDegrees(of: choice.stream)
        let codedWidth = Int(parameters.width), codedHeight = Int(parameters.height)
        let sideways = rotation == 90 || rotation == 270
        let timeBase = choice.timeBase
        let noPTS = FFmpegResult.noPTS
        let startPTS = stream.start_time != noPTS ? stream.start_time : 0

        let average = Rational(Int(stream.avg_frame_rate.num), Int(stream.avg_frame_rate.den))
        let real = Rational(Int(stream.r_frame_rate.num), Int(stream.r_frame_rate.den))
        let fps: Double? = isImage ? nil : (average.isValid ? average.value : (real.isValid ? real.value : nil))

        var duration = 0.0
        if !isImage {
            if stream.duration != noPTS && stream.duration > 0 {
                duration = Double(stream.duration) * timeBase.value
            } else if input.pointer.pointee.duration != noPTS && input.pointer.pointee.duration > 0 {
                duration = Double(input.pointer.pointee.duration) / Double(mien_av_time_base())
            }
        }
        var frames = Int(stream.nb_frames)
        var framesSource = FrameCountSource.header
        if isImage {
            (frames, framesSource) = (1, .decoded)
        } else if frames <= 0 {
            (frames, framesSource) = (Int((duration * (fps ?? 0)).rounded()), .estimate)
        }
        let index = ContainerIndex(stream: choice.stream)
        let keyframes = isImage ? [0] : index.keyframeTimestamps.map { Double($0 - startPTS) * timeBase.value }
        let keyframeFrames = isImage ? [0] : []
        let pixelFormat = av_get_pix_fmt_name(AVPixelFormat(rawValue: parameters.format)).map { String(cString: $0) }

        return VideoInfo(
            path: input.path, container: demuxer, codec: String(cString: avcodec_get_name(parameters.codec_id)),
            pixelFormat: pixelFormat ?? "unknown",
            width: sideways ? codedHeight : codedWidth, height: sideways ? codedWidth : codedHeight,
            codedWidth: codedWidth, codedHeight: codedHeight, rotation: rotation, fps: fps,
            timeBase: timeBase, startPTS: startPTS, startTime: Double(startPTS) * timeBase.value,
            duration: duration, frames: max(frames, 0), framesSource: framesSource, keyframeTimes: keyframes,
            keyframeFrames: keyframeFrames,
            vfr: false, audio: input.streams.contains { $0.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_AUDIO },
            isImage: isImage, streamIndex: choice.index)
    }

    /// Keyframes, frame count and variability: from a full container index, else from the packets.
    private static func addTiming(to info: inout VideoInfo, input: FormatContext, choice: VideoStreamChoice) throws(MediaError) {
        let index = ContainerIndex(stream: choice.stream)
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
            let scan = try PacketScan(input: input, choice: choice)
            timestamps = scan.timestamps
            keyframes = scan.keyframeTimestamps
            info.frames = scan.timestamps.count
            info.framesSource = .packets
        }
        keyframes.sort()
        // An MP4 index holds decode times, which run ahead of presentation times by
        // the reordering delay; measured from the first entry, that delay cancels.
        let origin = index.listsEveryFrame(expected: Int(choice.stream.pointee.nb_frames))
            ? (index.timestamps.min() ?? info.startPTS) : info.startPTS
        info.keyframeTimes = keyframes.map { Double($0 - origin) * info.timeBase.value }
        info.keyframeFrames = FrameTiming.positions(of: keyframes, among: timestamps)
        info.vfr = FrameTiming.isVariable(timestamps)
    }
}
