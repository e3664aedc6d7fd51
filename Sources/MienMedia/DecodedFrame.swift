import CFFmpeg

/// One decoded frame, with its time, holding the decoder's picture until released.
///
/// Pixels are produced on request (`image(_:)`), so frames that sampling skips
/// cost no conversion. The last conversion is cached.
public final class DecodedFrame {
    /// Seconds from the stream's first presentation timestamp (from the
    /// decoder's best-effort timestamp, never frame index / fps; running on
    /// across timestamp resets when read from the start).
    public let time: Double
    /// Presentation timestamp in the stream's time base; after a timestamp
    /// reset (joined recordings, `TimestampRebaser`), moved on like `time`.
    public let pts: Int64
    /// How long the frame is shown, in seconds (from the container, else 1 / fps, else 0).
    public let duration: Double
    /// Whether the decoder flagged the frame as damaged.
    public let isDamaged: Bool
    /// Whether this frame is a keyframe.
    public let isKeyframe: Bool

    private let frame: Frame
    private let converter: PixelConverter
    private let rotation: Int
    private let path: String
    private var cached: (PixelRequest, PixelImage)?

    init(frame: Frame, time: Double, pts: Int64, duration: Double, rotation: Int, converter: PixelConverter, path: String) {
        self.frame = frame
        self.time = time
        self.pts = pts
        self.duration = duration
        self.rotation = rotation
        self.converter = converter
        self.path = path
        let f = frame.pointer.pointee
        self.isDamaged = (f.flags & AV_FRAME_FLAG_CORRUPT) != 0 || f.decode_error_flags != 0
        self.isKeyframe = f.key_frame != 0
    }

    /// The same pixels through the general swscale path only (the reference for fast paths).
    func referenceImage(_ request: PixelRequest) throws(MediaError) -> PixelImage {
        let reference = PixelConverter()
        reference.useFastPaths = false
        return try reference.convert(frame.pointer, rotation: rotation, request: request, path: path)
    }

    /// Coded width, before rotation.
    public var codedWidth: Int { Int(frame.pointer.pointee.width) }
    /// Coded height, before rotation.
    public var codedHeight: Int { Int(frame.pointer.pointee.height) }

    /// The frame's pixels as requested: gray or RGB, full range, scaled to fit, upright.
    /// - Throws: `MediaError` when the pixel format cannot be converted.
    public func image(_ request: PixelRequest) throws(MediaError) -> PixelImage {
        if let cached, cached.0 == request { return cached.1 }
        let image = try converter.convert(frame.pointer, rotation: rotation, request: request, path: path)
        cached = (request, image)
        return image
    }
}
