import MienMedia

/// Summed-area table of an 8-bit RGB image, the fast path of `AreaResize`:
/// any window's sum is four look-ups, so the whole pyramid and every crop of a
/// frame are resized from one pass over its pixels, whatever their scale.
///
/// `table[(y * (W + 1) + x) * 3 + c]` is the sum of channel `c` over rows
/// `0 ..< y` and columns `0 ..< x`. Sums wrap modulo 2^32 (frames past 16
/// megapixels overflow a plain UInt32); a window's sum is recovered exactly by
/// wrapping subtraction as long as the window itself sums below 2^32.
struct IntegralImage: Sendable {
    let width: Int
    let height: Int
    private(set) var table: [UInt32]

    /// Builds the table of an `.rgb` or `.rgbPlanar` image.
    init(_ image: PixelImage) {
        precondition(image.layout != .gray, "IntegralImage needs an RGB image")
        let width = image.width, height = image.height
        self.width = width
        self.height = height
        let stride = (width + 1) * 3
        var table = [UInt32](repeating: 0, count: (height + 1) * stride)
        let planar = image.layout == .rgbPlanar
        let plane = width * height
        table.withUnsafeMutableBufferPointer { t in
            image.pixels.withUnsafeBufferPointer { p in
                for y in 0..<height {
                    let above = t.baseAddress! + y * stride, row = above + stride
                    var r: UInt32 = 0, g: UInt32 = 0, b: UInt32 = 0
                    for x in 0..<width {
                        if planar {
                            let i = y * width + x
                            r &+= UInt32(p[i]); g &+= UInt32(p[plane + i]); b &+= UInt32(p[2 * plane + i])
                        } else {
                            let i = (y * width + x) * 3
                            r &+= UInt32(p[i]); g &+= UInt32(p[i + 1]); b &+= UInt32(p[i + 2])
                        }
                        let o = (x + 1) * 3
                        row[o] = above[o] &+ r
                        row[o + 1] = above[o + 1] &+ g
                        row[o + 2] = above[o + 2] &+ b
                    }
                }
            }
        }
        self.table = table
    }

    /// Writes `region` resized to `outHeight` x `outWidth` (area resize) and
    /// normalised, planar `[3, outHeight, outWidth]`, to `out`; the same values
    /// as `AreaResize.reference`, bit for bit.
    func resize(_ region: AreaResize.Region, outHeight: Int, outWidth: Int, into out: UnsafeMutablePointer<Float>) {
        precondition(region.x >= 0 && region.y >= 0 && region.x + region.width <= width
                     && region.y + region.height <= height && region.width > 0 && region.height > 0,
                     "region \(region) is not inside the \(width)x\(height) image")
        let rows = AreaResize.windows(input: region.height, output: outHeight)
        let columns = AreaResize.windows(input: region.width, output: outWidth)
        let stride = (width + 1) * 3, plane = outHeight * outWidth
        let offset = MTCNNLayers.pixelOffset, scale = MTCNNLayers.pixelScale
        // Table offsets of each column window's edges, and its width as a float.
        var left = [Int](repeating: 0, count: outWidth), right = left
        var columnCount = [Float](repeating: 0, count: outWidth)
        for (j, window) in columns.enumerated() {
            left[j] = (region.x + window.lowerBound) * 3
            right[j] = (region.x + window.upperBound) * 3
            columnCount[j] = Float(window.count)
        }
        table.withUnsafeBufferPointer { t in
            for (i, window) in rows.enumerated() {
                let top = t.baseAddress! + (region.y + window.lowerBound) * stride
                let bottom = t.baseAddress! + (region.y + window.upperBound) * stride
                let rowCount = Float(window.count)
                let outRow = out + i * outWidth
                for j in 0..<outWidth {
                    let l = left[j], r = right[j]
                    for c in 0..<3 {
                        let sum = bottom[r + c] &- bottom[l + c] &- top[r + c] &+ top[l + c]
                        // As PyTorch: the float sum divided by the window height, then by its width.
                        let mean = Float(sum) / rowCount / columnCount[j]
                        outRow[c * plane + j] = (mean - offset) * scale
                    }
                }
            }
        }
    }
}
