import MienFace

/// An axis-aligned face box in image pixels: top-left corner, width and height.
///
/// This is the shape a timeline record stores (`"box": [x, y, w, h]`) and the
/// shape the tracker associates. Coordinates have their origin at the image's
/// top-left corner; boxes may reach past the image edges (the detector does
/// not clip them).
public struct FaceBox: Sendable, Equatable, Hashable, Codable {
    /// Left edge.
    public var x: Double
    /// Top edge.
    public var y: Double
    /// Width, in pixels (non-negative for a real box).
    public var width: Double
    /// Height, in pixels (non-negative for a real box).
    public var height: Double

    /// Creates a box from its top-left corner and size.
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// Creates a box from its centre, its scale (the square root of its area)
    /// and its aspect (width over height): the coordinates the motion filter
    /// works in. A non-positive scale or aspect gives an empty box at the centre.
    public init(centerX: Double, centerY: Double, scale: Double, aspect: Double) {
        let s = max(scale, 0)
        let a = max(aspect, 0)
        // s^2 = w*h and a = w/h  =>  w = s*sqrt(a), h = s/sqrt(a)
        let root = a.squareRoot()
        let w = root > 0 ? s * root : 0
        let h = root > 0 ? s / root : 0
        self.init(x: centerX - w / 2, y: centerY - h / 2, width: w, height: h)
    }

    /// The box of a detection from `MTCNNDetector` (corner form to origin-size form).
    public init(_ detection: FaceDetection) {
        self.init(x: detection.x1, y: detection.y1, width: detection.width, height: detection.height)
    }

    /// Horizontal centre.
    public var centerX: Double { x + width / 2 }
    /// Vertical centre.
    public var centerY: Double { y + height / 2 }
    /// Area in square pixels; 0 for an empty or inverted box.
    public var area: Double { max(width, 0) * max(height, 0) }
    /// Square root of the area: a size that changes linearly when the face
    /// approaches the camera, which is what a constant-velocity model assumes.
    public var scale: Double { area.squareRoot() }
    /// Width over height; 1 for an empty box, so the filter never sees a NaN.
    public var aspect: Double { height > 0 && width > 0 ? width / height : 1 }

    /// Intersection over union with `other`, 0...1; 0 when either box is empty.
    public func iou(_ other: FaceBox) -> Double {
        let left = max(x, other.x)
        let top = max(y, other.y)
        let right = min(x + width, other.x + other.width)
        let bottom = min(y + height, other.y + other.height)
        let intersection = max(right - left, 0) * max(bottom - top, 0)
        let union = area + other.area - intersection
        return union > 0 ? intersection / union : 0
    }

    /// Whether every coordinate is a finite number.
    public var isFinite: Bool { x.isFinite && y.isFinite && width.isFinite && height.isFinite }

    /// The box as the timeline writes it: `[x, y, w, h]`.
    public var array: [Double] { [x, y, width, height] }
}
