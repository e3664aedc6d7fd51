import MienMedia

/// Area resize as PyTorch's `interpolate(mode="area")`, which is adaptive
/// average pooling: output cell `i` of `out` averages input cells
/// `floor(i * in / out) ..< ceil((i + 1) * in / out)` in each direction.
///
/// MTCNN resizes float RGB values (0...255) this way for the pyramid and for
/// the R-Net / O-Net crops, then normalises them as `(v - 127.5) * 0.0078125`.
/// PyTorch sums a window in float32 and divides by its height, then by its
/// width; the pixel values are integers, so the float sum is exact in any
/// order, and the fast path (`AreaResizer`) gets bit-identical results from
/// integer sums. This type holds the window arithmetic and the plain reference.
enum AreaResize {
    /// The input window `start ..< end` of each of the `output` cells over `input` cells.
    static func windows(input: Int, output: Int) -> [Range<Int>] {
        (0..<output).map { i in (i * input / output) ..< (((i + 1) * input + output - 1) / output) }
    }

    /// A rectangle of an image, in pixels: columns `x ..< x + width`, rows `y ..< y + height`.
    struct Region: Equatable, Sendable {
        var x, y, width, height: Int
    }

    /// The reference: `region` of an 8-bit RGB image (interleaved or planar)
    /// resized to `outHeight` x `outWidth` by averaging float values window by
    /// window, then normalised; planar `[3, outHeight, outWidth]`.
    static func reference(_ image: PixelImage, region: Region, outHeight: Int, outWidth: Int) -> [Float] {
        let rows = windows(input: region.height, output: outHeight)
        let columns = windows(input: region.width, output: outWidth)
        var out = [Float](repeating: 0, count: 3 * outHeight * outWidth)
        for c in 0..<3 {
            for (i, rowWindow) in rows.enumerated() {
                for (j, columnWindow) in columns.enumerated() {
                    var sum: Float = 0
                    for y in rowWindow {
                        for x in columnWindow {
                            sum += Float(pixel(image, x: region.x + x, y: region.y + y, channel: c))
                        }
                    }
                    let mean = sum / Float(rowWindow.count) / Float(columnWindow.count)
                    out[(c * outHeight + i) * outWidth + j] = (mean - MTCNNLayers.pixelOffset) * MTCNNLayers.pixelScale
                }
            }
        }
        return out
    }

    /// Channel `channel` of pixel (x, y) of an RGB image in either layout.
    static func pixel(_ image: PixelImage, x: Int, y: Int, channel: Int) -> UInt8 {
        switch image.layout {
        case .rgbPlanar: image.pixels[(channel * image.height + y) * image.width + x]
        default: image.pixels[(y * image.width + x) * 3 + channel]
        }
    }
}
