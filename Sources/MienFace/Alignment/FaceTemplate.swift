import Foundation

/// Where a face's five landmarks go in an aligned crop: the canonical
/// positions of the left eye, right eye, nose, left and right mouth corners
/// (MTCNN's order; left and right as seen in the image), in unit crop
/// coordinates: `(0, 0)` is the crop's top-left corner, `(1, 1)` its
/// bottom-right corner, x right and y down.
///
/// A unit coordinate `u` is the crop pixel coordinate `u * size - 0.5` (pixel
/// `i` covers `i - 0.5 ..< i + 0.5`), so a template is independent of the
/// crop size. `fer2013` is the default: where MTCNN finds the landmarks in
/// FER-2013's own crops (see `Models/README.md`, "Face alignment").
public struct FaceTemplate: Sendable, Hashable, Codable {
    /// A short name for reports (`fer2013`).
    public var name: String
    /// The five positions in unit crop coordinates, in MTCNN's landmark order.
    public var points: [FaceDetection.Point]

    /// Creates a template; `points` must hold five finite positions.
    public init(name: String, points: [FaceDetection.Point]) {
        precondition(points.count == 5, "a face template has 5 landmarks, got \(points.count)")
        precondition(points.allSatisfy { $0.x.isFinite && $0.y.isFinite }, "template \(name) has a non-finite point")
        self.name = name
        self.points = points
    }

    /// The mean of the five positions.
    public var centroid: FaceDetection.Point {
        FaceDetection.Point(x: points.reduce(0) { $0 + $1.x } / 5, y: points.reduce(0) { $0 + $1.y } / 5)
    }

    /// The template with its points moved away from their centroid by `factor`
    /// (above 1: a bigger, tighter face in the crop; below 1: more margin).
    public func scaled(by factor: Double) -> FaceTemplate {
        let c = centroid
        return FaceTemplate(name: name + String(format: " x%g", factor), points: points.map {
            FaceDetection.Point(x: c.x + ($0.x - c.x) * factor, y: c.y + ($0.y - c.y) * factor)
        })
    }

    /// The template with every point moved by `(dx, dy)` unit coordinates
    /// (positive `dy`: the face sits lower in the crop, showing more forehead).
    public func shifted(dx: Double = 0, dy: Double) -> FaceTemplate {
        FaceTemplate(name: name + (dx == 0 ? "" : String(format: " dx%+g", dx)) + String(format: " dy%+g", dy), points: points.map {
            FaceDetection.Point(x: $0.x + dx, y: $0.y + dy)
        })
    }

    /// The points in pixel coordinates of a `size` x `size` crop.
    public func pixelPoints(size: Int) -> [FaceDetection.Point] {
        points.map { FaceDetection.Point(x: $0.x * Double(size) - 0.5, y: $0.y * Double(size) - 0.5) }
    }
}
