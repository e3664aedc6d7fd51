import Foundation
import MienMedia
import Testing

@testable import MienFace

@Suite("Face aligner: landmarks to the template, crops of a known warp")
struct FaceAlignerTests {
    typealias Point = FaceDetection.Point

    /// A smooth pattern over crop pixel coordinates, standing in for a canonical face.
    static func pattern(_ x: Double, _ y: Double) -> Double {
        128 + 60 * sin(2 * Double.pi * x / 24) * cos(2 * Double.pi * y / 32) + 40 * cos(2 * Double.pi * (x + y) / 40)
    }

    /// A frame holding the pattern seen through `imageToCrop` (the face shrunk, turned and moved), and its landmarks.
    static func frame(imageToCrop: SimilarityTransform, width: Int, height: Int, aligner: FaceAligner)
        -> (PixelImage, [Point]) {
        var pixels = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let c = imageToCrop.apply(Point(x: Double(x), y: Double(y)))
                pixels[y * width + x] = UInt8(min(max(pattern(c.x, c.y).rounded(), 0), 255))
            }
        }
        let landmarks = aligner.template.pixelPoints(size: aligner.size).map(imageToCrop.inverse.apply)
        return (PixelImage(width: width, height: height, layout: .gray, pixels: pixels), landmarks)
    }

    /// Image-to-crop warps (scale, rotation) that put the crop's centre on the frame's centre, so the whole face is in the frame.
    static let warps: [SimilarityTransform] = [(1.0, 0.0), (0.25, 0.3), (1.0 / 6, -0.5), (0.4, 3.0)].map { scale, rotation in
        let turn = SimilarityTransform(scale: scale, rotation: rotation, tx: 0, ty: 0)
        let centre = turn.apply(Point(x: 220, y: 210))
        return SimilarityTransform(a: turn.a, b: turn.b, tx: 23.5 - centre.x, ty: 23.5 - centre.y)
    }

    @Test(arguments: warps, FaceAligner.Sampling.allCases)
    func cropUndoesAKnownWarp(imageToCrop: SimilarityTransform, sampling: FaceAligner.Sampling) throws {
        let aligner = FaceAligner(size: 48, sampling: sampling)
        let (image, landmarks) = Self.frame(imageToCrop: imageToCrop, width: 440, height: 420, aligner: aligner)
        let fitted = try aligner.transform(landmarks: landmarks)
        #expect(abs(fitted.a - imageToCrop.a) < 1e-9 && abs(fitted.b - imageToCrop.b) < 1e-9)
        #expect(abs(fitted.tx - imageToCrop.tx) < 1e-7 && abs(fitted.ty - imageToCrop.ty) < 1e-7)

        let crop = try aligner.crop(image, landmarks: landmarks)
        #expect(crop.width == 48 && crop.height == 48 && crop.layout == .gray)
        var worst = 0.0
        for i in 0..<48 {
            for j in 0..<48 { worst = max(worst, abs(Double(crop.pixels[i * 48 + j]) - Self.pattern(Double(j), Double(i)))) }
        }
        // Bilinear interpolation of the rounded pattern, and for the shrinking samplers a box of about one
        // crop pixel over a pattern whose shortest period is 24 crop pixels, stay within a few levels.
        let bound = sampling == .areaReduced && imageToCrop.scale < 0.5 ? 6.0 : 3.0
        #expect(worst <= bound, "\(sampling) \(imageToCrop): worst |crop - pattern| \(worst)")

        let plain = SimilarityWarp.reference(image, cropToImage: fitted.inverse, size: 48, sampling: sampling)
        #expect(zip(crop.pixels, plain.pixels).allSatisfy { abs(Int($0) - Int($1)) <= 1 })
    }

    @Test func templateEditsKeepTheirMeaning() {
        let t = FaceTemplate.fer2013
        let c = t.centroid
        let bigger = t.scaled(by: 1.1), lower = t.shifted(dy: 0.02)
        #expect(abs(bigger.centroid.x - c.x) < 1e-12 && abs(bigger.centroid.y - c.y) < 1e-12)
        #expect(abs((bigger.points[1].x - bigger.points[0].x) - 1.1 * (t.points[1].x - t.points[0].x)) < 1e-12)
        #expect(zip(lower.points, t.points).allSatisfy { abs($0.y - $1.y - 0.02) < 1e-12 && $0.x == $1.x })
        #expect(t.pixelPoints(size: 48)[0].x == t.points[0].x * 48 - 0.5)
        let decoded = try? JSONDecoder().decode(FaceTemplate.self, from: JSONEncoder().encode(t))
        #expect(decoded == t)
    }

    @Test func badInputsThrow() {
        let aligner = FaceAligner()
        let gray = PixelImage(width: 10, height: 10, layout: .gray, pixels: [UInt8](repeating: 0, count: 100))
        let face = FaceTemplate.fer2013.pixelPoints(size: 10)
        func code(_ image: PixelImage, _ landmarks: [Point]) -> ClassifierError.Code? {
            do { _ = try aligner.crop(image, landmarks: landmarks); return nil } catch { return error.code }
        }
        #expect(code(gray, face) == nil)
        #expect(code(gray, Array(face.prefix(4))) == .badLandmarks)
        #expect(code(gray, []) == .badLandmarks)
        #expect(code(gray, Array(repeating: face[0], count: 5)) == .badLandmarks)
        #expect(code(gray, face.map { Point(x: .infinity, y: $0.y) }) == .badLandmarks)
        let empty = PixelImage(width: 0, height: 0, layout: .gray, pixels: [])
        #expect(code(empty, face) == .badFace)
        let rgb = PixelImage(width: 10, height: 10, layout: .rgb, pixels: [UInt8](repeating: 0, count: 300))
        #expect(code(rgb, face) == .badFace)
    }
}
