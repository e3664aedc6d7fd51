/// Turns images by quarter turns, plane by plane.
public enum ImageRotation {
    /// `image` turned `degrees` clockwise (0, 90, 180 or 270).
    public static func rotate(_ image: PixelImage, clockwise degrees: Int) -> PixelImage {
        let turn = ((degrees % 360) + 360) % 360
        guard turn != 0 else { return image }
        let w = image.width, h = image.height
        let (outW, outH) = turn == 180 ? (w, h) : (h, w)
        // Interleaved RGB moves 3-byte pixels; planar layouts rotate each plane alone.
        let pixelBytes = image.layout == .rgb ? 3 : 1
        let planes = image.layout == .rgbPlanar ? 3 : 1
        let planeSize = w * h * pixelBytes
        var out = [UInt8](repeating: 0, count: image.pixels.count)
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for plane in 0..<planes {
                    let base = plane * planeSize
                    for r in 0..<outH {
                        for c in 0..<outW {
                            // Source row and column of output pixel (r, c).
                            let (sr, sc): (Int, Int)
                            switch turn {
                            case 90: (sr, sc) = (h - 1 - c, r)
                            case 180: (sr, sc) = (h - 1 - r, w - 1 - c)
                            default: (sr, sc) = (c, w - 1 - r)  // 270
                            }
                            let from = base + (sr * w + sc) * pixelBytes
                            let to = base + (r * outW + c) * pixelBytes
                            for b in 0..<pixelBytes { dst[to + b] = src[from + b] }
                        }
                    }
                }
            }
        }
        return PixelImage(width: outW, height: outH, layout: image.layout, pixels: out)
    }
}
