// TEMPORARY STUB (not committed): replaced by the align branch.
import MienMedia
public struct FaceTemplate: Sendable, Hashable, Codable { public var name: String; public static let fer2013 = FaceTemplate(name: "fer2013") }
public struct FaceAligner: Sendable {
    public let template: FaceTemplate
    public let size: Int
    public init(template: FaceTemplate = .fer2013, size: Int = 48) { self.template = template; self.size = size }
    public func crop(_ image: PixelImage, landmarks: [FaceDetection.Point]) -> PixelImage {
        let xs = landmarks.map(\.x), ys = landmarks.map(\.y)
        let cx = xs.reduce(0, +) / 5, cy = ys.reduce(0, +) / 5
        let side = max(xs.max()! - xs.min()!, 1) * 2.2
        var out = [UInt8](repeating: 0, count: size * size)
        for y in 0..<size { for x in 0..<size {
            let sx = Int(cx - side / 2 + (Double(x) + 0.5) * side / Double(size)), sy = Int(cy - side / 2 + (Double(y) + 0.5) * side / Double(size))
            let px = min(max(sx, 0), image.width - 1), py = min(max(sy, 0), image.height - 1)
            out[y * size + x] = image.pixels[py * image.width + px]
        } }
        return PixelImage(width: size, height: size, layout: .gray, pixels: out)
    }
}
