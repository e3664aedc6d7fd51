/// How the pixels of a `PixelImage` are laid out.
public enum PixelLayout: String, Sendable, Hashable, Codable {
    /// One 8-bit luma plane, full range 0...255.
    case gray
    /// Interleaved 8-bit R, G, B (height x width x 3).
    case rgb
    /// Three 8-bit planes, R then G then B (3 x height x width), as CNNs take them.
    case rgbPlanar

    /// Bytes per pixel over all planes.
    public var channels: Int { self == .gray ? 1 : 3 }
}

/// What pixels a caller wants from a decoded frame.
public struct PixelRequest: Sendable, Hashable {
    /// Pixel layout.
    public var layout: PixelLayout
    /// Largest width and height of the delivered (upright) image; the frame is
    /// scaled down to fit, keeping its aspect ratio, never scaled up. Nil keeps the native size.
    public var maxWidth: Int?
    /// See `maxWidth`.
    public var maxHeight: Int?
    /// Whether to apply the display rotation (true: frames are upright as a player shows them).
    public var upright: Bool
    /// Whether a frame smaller than the box is scaled up to fit it (for benchmarks at a
    /// given size); off by default, so analysis never invents pixels.
    public var allowUpscaling: Bool

    /// Creates a request; by default native size, upright.
    public init(_ layout: PixelLayout, maxWidth: Int? = nil, maxHeight: Int? = nil, upright: Bool = true,
                allowUpscaling: Bool = false) {
        self.layout = layout
        self.maxWidth = maxWidth
        self.maxHeight = maxHeight
        self.upright = upright
        self.allowUpscaling = allowUpscaling
    }
}

/// An 8-bit image, tightly packed (no row padding).
public struct PixelImage: Sendable, Equatable {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// Layout of `pixels`.
    public var layout: PixelLayout
    /// `width * height * layout.channels` bytes.
    public var pixels: [UInt8]

    /// Creates an image; `pixels.count` must be `width * height * layout.channels`.
    public init(width: Int, height: Int, layout: PixelLayout, pixels: [UInt8]) {
        precondition(pixels.count == width * height * layout.channels, "pixel count does not match the size")
        self.width = width
        self.height = height
        self.layout = layout
        self.pixels = pixels
    }
}
