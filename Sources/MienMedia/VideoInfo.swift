/// What `VideoProber` finds out about an input's video stream.
///
/// Times are seconds. `width` and `height` are the displayed size, with
/// non-square pixels stretched square (`sampleAspect`) and after the display
/// rotation; `codedWidth` and `codedHeight` are the size the codec stores.
public struct VideoInfo: Codable, Sendable, Equatable {
    /// The input as given.
    public var path: String
    /// The demuxer's name, as ffprobe's `format_name` (e.g. "mov,mp4,m4a,3gp,3g2,mj2").
    public var container: String
    /// The codec's short name (e.g. "h264").
    public var codec: String
    /// The decoded pixel format (e.g. "yuv420p").
    public var pixelFormat: String
    /// Displayed width: the coded width times `sampleAspect`, after rotation.
    public var width: Int
    /// Displayed height, after rotation.
    public var height: Int
    /// Width as coded.
    public var codedWidth: Int
    /// Height as coded.
    public var codedHeight: Int
    /// The shape of a coded pixel, its width over its height, where pixels
    /// are not square (anamorphic DV, DVD, HDV video: 720x480 at 8:9 shows as
    /// 640x480, 1440x1080 at 4:3 as 1920x1080); nil for square pixels (nearly
    /// all camera and phone video) and still images. Frames are delivered and
    /// faces found in the displayed shape. `mien probe` reports it; not part
    /// of the JSON form (the meta file's schema has no key for it; its
    /// `width` against `coded_width` shows it).
    public var sampleAspect: Rational?
    /// Degrees clockwise (0, 90, 180, 270) needed to display frames upright.
    public var rotation: Int
    /// Average frame rate; nil for a still image or when unknown.
    public var fps: Double?
    /// The stream's time base, the unit of its timestamps.
    public var timeBase: Rational
    /// The stream's first presentation timestamp, in time-base units; frame
    /// times are measured from it.
    public var startPTS: Int64
    /// `startPTS` in seconds.
    public var startTime: Double
    /// Duration of the video stream in seconds (0 for a still image).
    public var duration: Double
    /// Number of frames; `framesSource` says how it was found.
    public var frames: Int
    /// How `frames` was found.
    public var framesSource: FrameCountSource
    /// Keyframe times in seconds from the stream start, ascending.
    public var keyframeTimes: [Double]
    /// For each keyframe, how many frames come before it: its frame index,
    /// exact for closed GOPs (each keyframe shows before the frames decoded
    /// after it, as in nearly all camera and phone video). Known right after
    /// probing a video with an index or a packet scan; not part of the JSON
    /// form (empty after decoding one, and for estimates).
    public var keyframeFrames: [Int] = []
    /// How many times the timestamps start again from an earlier time
    /// (recordings joined end to end, a camera clock restarted), found by the
    /// packet scan; frame times run on across them (`TimestampRebaser`), and
    /// such a video is one shard, since a time in it cannot be seeked to.
    /// Not part of the JSON form (0 after decoding one).
    public var timestampResets = 0
    /// Whether packets came without timestamps (a raw `.h264` stream), so
    /// their times were counted by frame durations. Such a stream cannot be
    /// seeked by time either (each seek decodes from the start). Not part of
    /// the JSON form.
    public var timestampsCounted = false
    /// Where the video's data ends, seconds, when that is well before
    /// `duration`, the video stream's own length by its header: the file was
    /// cut off (while recording or copying) and its demuxer ended without an
    /// error (Matroska, AVI). Found by the packet scan; nil otherwise. Not
    /// part of the JSON form (`ShardPayload` carries it to the workers).
    public var dataEnd: Double?
    /// Whether a time in the video can be seeked to, so that shards can
    /// start in the middle: no timestamp resets, timestamps of its own.
    public var seeksByTime: Bool { timestampResets == 0 && !timestampsCounted }
    /// Whether frame intervals vary (timestamps not on a regular grid).
    public var vfr: Bool
    /// Whether the input has an audio stream.
    public var audio: Bool
    /// Whether the input is a single still image (JPEG, PNG, ...).
    public var isImage: Bool
    /// Index of the video stream in the container.
    public var streamIndex: Int
    /// How many video streams the input has (cover art left out): a
    /// two-camera recording (a dash camera's front and cabin views) has two,
    /// of which FFmpeg's best by its rules (`streamIndex`) is read. Not part
    /// of the JSON form (1 after decoding one).
    public var videoStreams = 1

    /// Number of keyframes.
    public var keyframes: Int { keyframeTimes.count }

    /// Whether `width` x `height` is this anamorphic video's coded size: the
    /// size an earlier mien, which did not stretch non-square pixels, recorded.
    public func isCodedSizeOfStretched(width: Int, height: Int) -> Bool {
        sampleAspect != nil && (width, height) == (codedWidth, codedHeight)
    }

    enum CodingKeys: String, CodingKey {
        case path, container, codec, width, height, rotation, fps, duration, frames, vfr, audio
        case pixelFormat = "pixel_format", codedWidth = "coded_width", codedHeight = "coded_height"
        case timeBase = "time_base", startPTS = "start_pts", startTime = "start_time"
        case framesSource = "frames_source", keyframeTimes = "keyframe_times"
        case isImage = "image", streamIndex = "stream_index"
    }

    /// Encodes every key; `fps` is `null` when unknown (as `mien probe` writes it),
    /// so that meta files keep the same keys for stills and videos.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(container, forKey: .container)
        try c.encode(codec, forKey: .codec)
        try c.encode(pixelFormat, forKey: .pixelFormat)
        try c.encode(width, forKey: .width)
        try c.encode(height, forKey: .height)
        try c.encode(codedWidth, forKey: .codedWidth)
        try c.encode(codedHeight, forKey: .codedHeight)
        try c.encode(rotation, forKey: .rotation)
        try c.encode(fps, forKey: .fps)
        try c.encode(timeBase, forKey: .timeBase)
        try c.encode(startPTS, forKey: .startPTS)
        try c.encode(startTime, forKey: .startTime)
        try c.encode(duration, forKey: .duration)
        try c.encode(frames, forKey: .frames)
        try c.encode(framesSource, forKey: .framesSource)
        try c.encode(keyframeTimes, forKey: .keyframeTimes)
        try c.encode(vfr, forKey: .vfr)
        try c.encode(audio, forKey: .audio)
        try c.encode(isImage, forKey: .isImage)
        try c.encode(streamIndex, forKey: .streamIndex)
    }
}

/// Where a frame count comes from, from most to least exact.
public enum FrameCountSource: String, Codable, Sendable {
    /// Every frame was decoded and counted.
    case decoded
    /// The container's index, which lists every frame (MP4, MOV).
    case index
    /// Every video packet was read (one frame per packet).
    case packets
    /// The container header's frame count.
    case header
    /// Duration x frame rate: an estimate.
    case estimate
}
