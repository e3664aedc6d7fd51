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
    /// The shape of the stream's pixels (`VideoInfo.sampleAspect`; nil: square).
    private let pixelAspect: Rational?
    private let path: String
    /// The stream's displayed size (`VideoInfo.width`, `height`), which frames of another size are scaled to fit.
    private let streamSize: (width: Int, height: Int)?
    private var cached: (PixelRequest, PixelImage)?

    init(frame: Frame, time: Double, pts: Int64, duration: Double, rotation: Int, pixelAspect: Rational? = nil,
         converter: PixelConverter, path: String, streamSize: (width: Int, height: Int)? = nil) {
        self.frame = frame
        self.time = time
        self.pts = pts
        self.duration = duration
        self.rotation = rotation
        self.pixelAspect = pixelAspect
        self.converter = converter
        self.path = path
        self.streamSize = streamSize
        let f = frame.pointer.pointee
        self.isDamaged = (f.flags & AV_FRAME_FLAG_CORRUPT) != 0 || f.decode_error_flags != 0
        self.isKeyframe = f.key_frame != 0
    }

    /// The same pixels through the general swscale path only (the reference for fast paths).
    func referenceImage(_ request: PixelRequest) throws(MediaError) -> PixelImage {
        let reference = PixelConverter()
        reference.useFastPaths = false
        return try reference.convert(frame.pointer, rotation: rotation, pixelAspect: pixelAspect, request: request, path: path)
    }

    /// Coded width, before rotation.
    public var codedWidth: Int { Int(frame.pointer.pointee.width) }
    /// Coded height, before rotation.
    public var codedHeight: Int { Int(frame.pointer.pointee.height) }

    /// The frame's own upright size, in the displayed shape (non-square
    /// pixels stretched square): the stream's, unless the resolution changed mid-stream.
    public var size: (width: Int, height: Int) {
        PixelConverter.outputSize(codedWidth: codedWidth, codedHeight: codedHeight, rotation: rotation,
                                  pixelAspect: pixelAspect, request: PixelRequest(.gray))
    }

    /// A request for the frame's own pixels at its own size (not scaled to the stream's).
    public func ownSize(_ layout: PixelLayout) -> PixelRequest {
        let own = size
        return PixelRequest(layout, maxWidth: own.width, maxHeight: own.height)
    }

    /// The factors that take the frame's own pixel coordinates to the
    /// stream's displayed ones (1, 1 unless the resolution changed mid-stream).
    public var streamScale: (x: Double, y: Double) {
        guard let streamSize else { return (1, 1) }
        let own = size
        return (Double(streamSize.width) / Double(own.width), Double(streamSize.height) / Double(own.height))
    }

    /// The frame's pixels as requested: gray or RGB, full range, scaled to fit, upright
    /// (turned as the display rotation says, non-square pixels stretched to the displayed shape).
    ///
    /// A request at native size (no `maxWidth`, `maxHeight`; upright) gives
    /// the stream's displayed size: a frame of another size (the resolution
    /// changed mid-stream, as WebRTC and browser recordings do with the
    /// bandwidth, or in segments of different sizes joined end to end) is
    /// scaled to fit it, so that pixel coordinates (face boxes) mean the same
    /// on every frame of the video (`mien render` draws on such frames).
    /// Analysis detects at the frame's own size instead (`ownSize`: a stream
    /// that starts small and ramps up would lose its small faces) and maps
    /// the boxes with `streamScale`.
    /// - Throws: `MediaError` when the pixel format cannot be converted.
    public func image(_ request: PixelRequest) throws(MediaError) -> PixelImage {
        if let cached, cached.0 == request { return cached.1 }
        var scaled = request
        if let streamSize, request.upright, request.maxWidth == nil, request.maxHeight == nil {
            if size != streamSize {
                (scaled.maxWidth, scaled.maxHeight, scaled.allowUpscaling) = (streamSize.width, streamSize.height, true)
            }
        }
        let image = try converter.convert(frame.pointer, rotation: rotation, pixelAspect: pixelAspect, request: scaled, path: path)
        cached = (request, image)
        return image
    }
}
