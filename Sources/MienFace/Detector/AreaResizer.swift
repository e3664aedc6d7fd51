import MienMedia

/// The fast path of `AreaResize`: area-resizes any rectangle of an 8-bit RGB
/// image (interleaved or planar) into normalised planar network input, with
/// the very same float values as the reference.
///
/// Separable and exact: for each output row, the source rows of its window are
/// added into integer column sums (a vectorised pass over bytes), then each
/// output cell adds its window of columns. The integer sum of a window is what
/// PyTorch's float sum of integer pixels is (exact below 2^24, so for windows
/// of up to 65,000 pixels); it is then divided by the window height and then
/// its width, as PyTorch divides, in float32.
struct AreaResizer: Sendable {
    let image: PixelImage

    /// Wraps an `.rgb` or `.rgbPlanar` image.
    init(_ image: PixelImage) {
        precondition(image.layout != .gray, "AreaResizer needs an RGB image")
        self.image = image
    }

    var width: Int { image.width }
    var height: Int { image.height }

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
        // 16-bit column sums (twice the lanes per vector add) when no window is
        // more than 257 rows high, so that 255 * rows fits; 32-bit otherwise.
        let tallest = (region.height + outHeight - 1) / outHeight + 1
        if tallest <= 257 {
            resize(region, outHeight: outHeight, outWidth: outWidth, rows: rows, into: out, sums: UInt16.self)
        } else {
            resize(region, outHeight: outHeight, outWidth: outWidth, rows: rows, into: out, sums: UInt32.self)
        }
    }

    private func resize<Sum: FixedWidthInteger & UnsignedInteger>(
        _ region: AreaResize.Region, outHeight: Int, outWidth: Int, rows: Range<Int>,
        into out: UnsafeMutablePointer<Float>, sums _: Sum.Type
    ) {
        let w = region.width, plane = rows.count * outWidth
        let planar = image.layout == .rgbPlanar
        // Column sums of one output row's source rows: interleaved [w * 3] or planar [3, w], like the image.
        let (pixelStride, channelStride) = planar ? (1, w) : (3, 1)
        var columnSums = [Sum](repeating: 0, count: 3 * w)
        var cellSums = [Float](repeating: 0, count: 3 * outWidth)
        var columnCount = [Float](repeating: 0, count: outWidth)
        var left = [Int](repeating: 0, count: outWidth), right = left
        for (j, window) in AreaResize.windows(input: w, output: outWidth).enumerated() {
            (left[j], right[j], columnCount[j]) = (window.lowerBound, window.upperBound, Float(window.count))
        }
        let offset = MTCNNLayers.pixelOffset, scale = MTCNNLayers.pixelScale
        image.pixels.withUnsafeBufferPointer { pixels in
            columnSums.withUnsafeMutableBufferPointer { sums in
                cellSums.withUnsafeMutableBufferPointer { cells in
                    let sums = sums.baseAddress!, cells = cells.baseAddress!
                    for i in rows {
                        let y0 = region.y + i * region.height / outHeight
                        let y1 = region.y + ((i + 1) * region.height + outHeight - 1) / outHeight
                        // Rows y0 ..< y1 added column by column (contiguous bytes -> UInt32).
                        sums.update(repeating: 0, count: 3 * w)
                        for y in y0..<y1 {
                            if planar {
                                for c in 0..<3 {
                                    Self.add(pixels.baseAddress! + (c * height + y) * width + region.x, into: sums + c * w, count: w)
                                }
                            } else {
                                Self.add(pixels.baseAddress! + (y * width + region.x) * 3, into: sums, count: 3 * w)
                            }
                        }
                        // Each cell's window of columns.
                        for j in 0..<outWidth {
                            var r: UInt32 = 0, g: UInt32 = 0, b: UInt32 = 0  // a row of cells: up to 255 * 257 * width
                            for x in left[j]..<right[j] {
                                let k = x &* pixelStride
                                r &+= UInt32(sums[k])
                                g &+= UInt32(sums[k &+ channelStride])
                                b &+= UInt32(sums[k &+ 2 &* channelStride])
                            }
                            cells[j] = Float(r)
                            cells[outWidth + j] = Float(g)
                            cells[2 * outWidth + j] = Float(b)
                        }
                        // As PyTorch: the float sum divided by the window height, then by its width.
                        let rowCount = Float(y1 - y0)
                        for c in 0..<3 {
                            let source = cells + c * outWidth
                            let target = out + c * plane + (i - rows.lowerBound) * outWidth
                            columnCount.withUnsafeBufferPointer { counts in
                                for j in 0..<outWidth { target[j] = (source[j] / rowCount / counts[j] - offset) * scale }
                            }
                        }
                    }
                }
            }
        }
    }

    /// `sums[k] += bytes[k]` for `count` values (vectorised by the compiler).
    @inline(__always)
    private static func add<Sum: FixedWidthInteger & UnsignedInteger>(_ bytes: UnsafePointer<UInt8>, into sums: UnsafeMutablePointer<Sum>, count: Int) {
        for k in 0..<count { sums[k] &+= Sum(truncatingIfNeeded: bytes[k]) }
    }
}
