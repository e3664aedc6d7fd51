import MienMedia

/// The fast path of `AreaResize`: area-resizes any rectangle of an 8-bit RGB
/// image (interleaved or planar) into normalised planar network input, with
/// the very same float values as the reference.
///
/// Built once per image, an integral image (per channel, the integer sum of
/// all pixels above and to the left) gives the sum of any window from four
/// entries, whatever its size, so every pyramid level and every crop costs
/// only its output cells. The integer sum of a window is what PyTorch's float
/// sum of integer pixels is (exact below 2^24, so for windows of up to 65,000
/// pixels); it is then divided by the window height and then its width, as
/// PyTorch divides, in float32. Entries wrap modulo 2^32; differences of them
/// are exact since no window sums to 2^32.
struct AreaResizer: Sendable {
    let width: Int
    let height: Int
    /// Planar `[3, height + 1, width + 1]`: entry `[c][y][x]` sums channel `c`
    /// over rows `0 ..< y` and columns `0 ..< x` (wrapping).
    private let integral: [UInt32]

    /// Wraps an `.rgb` or `.rgbPlanar` image, summing it once.
    init(_ image: PixelImage) {
        precondition(image.layout != .gray, "AreaResizer needs an RGB image")
        let (width, height) = (image.width, image.height)
        let stride = width + 1, plane = (height + 1) * stride
        let planar = image.layout == .rgbPlanar
        self.width = width
        self.height = height
        integral = [UInt32](unsafeUninitializedCapacity: 3 * plane) { table, initialized in
            let table = table.baseAddress!
            image.pixels.withUnsafeBufferPointer { pixels in
                for c in 0..<3 {
                    let first = table + c * plane
                    first.update(repeating: 0, count: stride)
                    for y in 0..<height {
                        let above = first + y * stride, row = above + stride
                        row[0] = 0
                        var running: UInt32 = 0
                        if planar {
                            let source = pixels.baseAddress! + (c * height + y) * width
                            for x in 0..<width { running &+= UInt32(source[x]); row[x &+ 1] = above[x &+ 1] &+ running }
                        } else {
                            let source = pixels.baseAddress! + y * width * 3 + c
                            for x in 0..<width { running &+= UInt32(source[3 &* x]); row[x &+ 1] = above[x &+ 1] &+ running }
                        }
                    }
                }
            }
            initialized = 3 * plane
        }
    }

    /// Writes `region` resized to `outHeight` x `outWidth`, normalised, planar
    /// `[3, outHeight, outWidth]`, to `out`.
    func resize(_ region: AreaResize.Region, outHeight: Int, outWidth: Int, into out: UnsafeMutablePointer<Float>) {
        resize(region, outHeight: outHeight, outWidth: outWidth, rows: 0..<outHeight, into: out)
    }

    /// Output rows `rows` only, planar `[3, rows.count, outWidth]` (a band of a pyramid level).
    func resize(_ region: AreaResize.Region, outHeight: Int, outWidth: Int, rows: Range<Int>,
                into out: UnsafeMutablePointer<Float>) {
        precondition(region.x >= 0 && region.y >= 0 && region.x + region.width <= width
                     && region.y + region.height <= height && region.width > 0 && region.height > 0,
                     "region \(region) is not inside the \(width)x\(height) image")
        precondition(rows.lowerBound >= 0 && rows.upperBound <= outHeight, "rows \(rows) outside 0..<\(outHeight)")
        let stride = width + 1, plane = (height + 1) * stride, outPlane = rows.count * outWidth
        let offset = MTCNNLayers.pixelOffset, scale = MTCNNLayers.pixelScale
        // Window edges of each output column, as columns of the table counted
        // from the region's left edge, and window widths.
        var edges = [Int](repeating: 0, count: 2 * outWidth)
        var columnCount = [Float](repeating: 0, count: outWidth)
        for (j, window) in AreaResize.windows(input: region.width, output: outWidth).enumerated() {
            (edges[2 * j], edges[2 * j + 1]) = (window.lowerBound, window.upperBound)
            columnCount[j] = Float(window.count)
        }
        // Per output row and channel, the difference of the window's bottom and
        // top table rows over the region's columns: the column prefix sums of
        // the window rows, read by two entries per cell instead of four.
        let span = region.width + 1
        var rowSums = [UInt32](repeating: 0, count: span)
        var cellSums = [Float](repeating: 0, count: outWidth)
        integral.withUnsafeBufferPointer { table in
            edges.withUnsafeBufferPointer { edges in
                columnCount.withUnsafeBufferPointer { counts in
                    rowSums.withUnsafeMutableBufferPointer { sums in
                        cellSums.withUnsafeMutableBufferPointer { cells in
                            let cells = cells.baseAddress!, sums = sums.baseAddress!
                            for i in rows {
                                let y0 = region.y + i * region.height / outHeight
                                let y1 = region.y + ((i + 1) * region.height + outHeight - 1) / outHeight
                                let rowCount = Float(y1 - y0)
                                for c in 0..<3 {
                                    let top = table.baseAddress! + c * plane + y0 * stride + region.x
                                    let bottom = table.baseAddress! + c * plane + y1 * stride + region.x
                                    for x in 0..<span { sums[x] = bottom[x] &- top[x] }
                                    for j in 0..<outWidth {
                                        cells[j] = Float(sums[edges[2 &* j &+ 1]] &- sums[edges[2 &* j]])
                                    }
                                    // As PyTorch: the float sum divided by the window height, then by its width.
                                    let target = out + c * outPlane + (i - rows.lowerBound) * outWidth
                                    for j in 0..<outWidth { target[j] = (cells[j] / rowCount / counts[j] - offset) * scale }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
