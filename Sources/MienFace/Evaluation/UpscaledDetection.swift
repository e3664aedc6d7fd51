import MienMedia
import MienNN

/// MTCNN run on a small gray face crop (a FER-2013 image), which it cannot
/// see at its own size: the crop is enlarged `factor` times (bilinear, as
/// OpenCV's `INTER_LINEAR`), copied into three equal channels and searched.
/// Landmarks and boxes are in pixels of the enlarged image (without the margin).
public struct UpscaledDetection: Sendable {
    /// The enlarged gray image.
    public let image: PixelImage
    /// The faces found in it, largest first.
    public let faces: [FaceDetection]

    /// Enlarges `crop` (gray) by `factor` and detects faces in it, searching
    /// the enlarged image with `margin` of its side added on every side
    /// (`fill` nil: the border pixels replicated; else that gray value).
    /// - Throws: `NNError` from the detector.
    public init(_ crop: PixelImage, factor: Int, margin: Double = 0, fill: UInt8? = nil,
                detector: any FaceDetector) throws(NNError) {
        precondition(crop.layout == .gray && factor >= 1, "UpscaledDetection takes a gray crop and a factor >= 1")
        let image = LinearResize.resize(crop, width: crop.width * factor, height: crop.height * factor)
        let pad = Int((Double(max(image.width, image.height)) * margin).rounded())
        let (w, h) = (image.width + 2 * pad, image.height + 2 * pad)
        var rgb = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            for x in 0..<w {
                let (sx, sy) = (x - pad, y - pad)
                let inside = sx >= 0 && sy >= 0 && sx < image.width && sy < image.height
                let v = fill.flatMap { inside ? nil : $0 }
                    ?? image.pixels[min(max(sy, 0), image.height - 1) * image.width + min(max(sx, 0), image.width - 1)]
                (rgb[3 * (y * w + x)], rgb[3 * (y * w + x) + 1], rgb[3 * (y * w + x) + 2]) = (v, v, v)
            }
        }
        let shift = Double(pad)
        self.image = image
        faces = try detector.detect(PixelImage(width: w, height: h, layout: .rgb, pixels: rgb)).map { face in
            var face = face
            (face.x1, face.y1, face.x2, face.y2) = (face.x1 - shift, face.y1 - shift, face.x2 - shift, face.y2 - shift)
            face.landmarks = face.landmarks.map { FaceDetection.Point(x: $0.x - shift, y: $0.y - shift) }
            return face
        }
    }

    /// The landmarks of `face` in unit coordinates of the image (pixel `i`
    /// covers `i / n ..< (i + 1) / n`, so a landmark at pixel coordinate `x`
    /// is at `(x + 0.5) / width`), as `FaceTemplate` holds them.
    public func unitLandmarks(_ face: FaceDetection) -> [FaceDetection.Point] {
        face.landmarks.map {
            FaceDetection.Point(x: ($0.x + 0.5) / Double(image.width), y: ($0.y + 0.5) / Double(image.height))
        }
    }
}
