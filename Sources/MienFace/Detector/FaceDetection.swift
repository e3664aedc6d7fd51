/// A face found by `MTCNNDetector`: its box, O-Net's face probability and five landmarks.
///
/// Coordinates are in pixels of the image the detector was given, with the
/// origin at the top-left corner. The box is as facenet-pytorch returns it:
/// not clipped to the image, so it may reach past the edges.
public struct FaceDetection: Sendable, Equatable, Codable {
    /// A point in image pixels.
    public struct Point: Sendable, Hashable, Codable {
        public var x: Double
        public var y: Double

        /// Creates a point.
        public init(x: Double, y: Double) {
            self.x = x
            self.y = y
        }
    }

    /// Left edge.
    public var x1: Double
    /// Top edge.
    public var y1: Double
    /// Right edge.
    public var x2: Double
    /// Bottom edge.
    public var y2: Double
    /// O-Net's face probability, 0...1.
    public var score: Double
    /// Left eye, right eye, nose, left and right mouth corners (left and right as seen in the image).
    public var landmarks: [Point]

    /// Creates a detection.
    public init(x1: Double, y1: Double, x2: Double, y2: Double, score: Double, landmarks: [Point]) {
        self.x1 = x1
        self.y1 = y1
        self.x2 = x2
        self.y2 = y2
        self.score = score
        self.landmarks = landmarks
    }

    /// `x2 - x1`.
    public var width: Double { x2 - x1 }
    /// `y2 - y1`.
    public var height: Double { y2 - y1 }
    /// `width * height`, the key the detector sorts by (largest first).
    public var area: Double { width * height }

    /// The detection in the pixels of the same image scaled by `x` across and `y` down.
    public func scaled(x: Double, y: Double) -> FaceDetection {
        FaceDetection(x1: x1 * x, y1: y1 * y, x2: x2 * x, y2: y2 * y, score: score,
                      landmarks: landmarks.map { Point(x: $0.x * x, y: $0.y * y) })
    }
}
