import MienMedia

/// Resampling a gray image through a similarity transform into a square crop:
/// the op behind `FaceAligner.crop`. Fast path here; the plain definition is
/// `SimilarityWarp.reference` (SimilarityWarp+Reference.swift), and tests hold
/// the two together.
///
/// Coordinates are pixel coordinates: pixel `(x, y)` has its centre at
/// `(x, y)`. Crop pixel `(j, i)` takes the image around `cropToImage(j, i)`.
/// Bilinear taps outside the image take the nearest border pixel (replicated
/// border). With `s = cropToImage.scale` image pixels per crop pixel:
///
/// * `.bilinear`: one bilinear sample at the pixel centre.
/// * `.supersampled`: `k = ceil(s)` when `s > 1`: `k x k` bilinear samples
///   spread evenly over the crop pixel (at `j - 0.5 + (m + 0.5) / k`), averaged.
/// * `.areaReduced`: `k = floor(s)` when `s >= 2`: the image is box-averaged
///   in `k x k` blocks (blocks from the top-left corner; the last row and
///   column of blocks may be partial), then sampled bilinearly at
///   `(p - (k - 1) / 2) / k`, where the block grid puts image point `p`.
///   Only the blocks the crop's taps reach are computed.
///
/// Values are computed in double and rounded half up to 8 bits.
enum SimilarityWarp {
    /// Sub-samples per axis for `.supersampled`, or block side for `.areaReduced`, at `scale` image pixels per crop pixel.
    static func factor(_ sampling: FaceAligner.Sampling, scale: Double) -> Int {
        switch sampling {
        case .bilinear: 1
        case .supersampled: scale > 1 ? Int(scale.rounded(.up)) : 1
        case .areaReduced: scale >= 2 ? Int(scale.rounded(.down)) : 1
        }
    }

    /// The map from image coordinates to block-grid coordinates of `k x k` blocks.
    static func blockGrid(_ k: Int) -> SimilarityTransform {
        let half = Double(k - 1) / 2 / Double(k)
        return SimilarityTransform(a: 1 / Double(k), b: 0, tx: -half, ty: -half)
    }

    /// The part of an image (or of its block grid) held in memory: the image
    /// is `width` x `height`; the stored window starts at `(x0, y0)`, rows of `stride` elements.
    struct Window {
        var width, height, x0, y0, stride: Int
    }

    /// `image` (gray, non-empty) resampled into a `size` x `size` gray crop.
    static func warp(_ image: PixelImage, cropToImage: SimilarityTransform, size: Int,
                     sampling: FaceAligner.Sampling) -> PixelImage {
        precondition(image.layout == .gray && image.width > 0 && image.height > 0 && size > 0)
        let k = factor(sampling, scale: cropToImage.scale)
        if sampling == .areaReduced && k > 1 {
            let toGrid = blockGrid(k).composed(after: cropToImage)
            let (means, window) = blockMeans(image, k: k, covering: toGrid, size: size)
            return means.withUnsafeBufferPointer { m in
                sample(window, transform: toGrid, size: size, k: 1) { m[$0] }
            }
        }
        let whole = Window(width: image.width, height: image.height, x0: 0, y0: 0, stride: image.width)
        return image.pixels.withUnsafeBufferPointer { p in
            sample(whole, transform: cropToImage, size: size, k: sampling == .supersampled ? k : 1) { Double(p[$0]) }
        }
    }

    /// The columns (`alongX`) or rows `lo ... hi` of a `count`-long axis, clamped
    /// to it, that bilinear taps of the crop's pixels can reach through `transform`.
    static func tapRange(_ transform: SimilarityTransform, size: Int, alongX: Bool, count: Int) -> ClosedRange<Int> {
        // Every sample lies inside the crop's outline, whose image is the hull of its mapped corners.
        let edge = Double(size) - 0.5
        let values = [(-0.5, -0.5), (edge, -0.5), (-0.5, edge), (edge, edge)].map { corner in
            let p = transform.apply(FaceDetection.Point(x: corner.0, y: corner.1))
            return alongX ? p.x : p.y
        }
        let lo = Int(values.min()!.rounded(.down)), hi = Int(values.max()!.rounded(.down)) + 1
        return min(max(lo, 0), count - 1)...min(max(hi, 0), count - 1)
    }

    /// The means of the `k x k` blocks that the crop's taps reach through
    /// `toGrid` (crop to block-grid coordinates), and where they lie in the grid.
    static func blockMeans(_ image: PixelImage, k: Int, covering toGrid: SimilarityTransform, size: Int)
        -> (means: [Double], window: Window) {
        let (w, h) = (image.width, image.height)
        let gridWidth = (w + k - 1) / k, gridHeight = (h + k - 1) / k
        let columns = tapRange(toGrid, size: size, alongX: true, count: gridWidth)
        let rows = tapRange(toGrid, size: size, alongX: false, count: gridHeight)
        var means = [Double](repeating: 0, count: columns.count * rows.count)
        var rowSums = [Int](repeating: 0, count: columns.count)
        image.pixels.withUnsafeBufferPointer { src in
            for (r, blockRow) in rows.enumerated() {
                let top = blockRow * k, bottom = min(top + k, h)
                for c in rowSums.indices { rowSums[c] = 0 }
                for y in top..<bottom {
                    let line = src.baseAddress! + y * w
                    for (c, blockColumn) in columns.enumerated() {
                        var sum = 0
                        for x in (blockColumn * k)..<min(blockColumn * k + k, w) { sum &+= Int(line[x]) }
                        rowSums[c] &+= sum
                    }
                }
                for (c, blockColumn) in columns.enumerated() {
                    let count = (bottom - top) * (min(blockColumn * k + k, w) - blockColumn * k)
                    means[r * columns.count + c] = Double(rowSums[c]) / Double(count)
                }
            }
        }
        let window = Window(width: gridWidth, height: gridHeight, x0: columns.lowerBound, y0: rows.lowerBound,
                            stride: columns.count)
        return (means, window)
    }

    /// The sampler: `k x k` bilinear sub-samples per crop pixel, averaged. Per
    /// sub-row the image point starts from the transform and then steps by
    /// `(a, b) / k` per sub-sample along the row. `read(i)` is stored element `i` of `window`.
    @inline(__always)
    static func sample(_ window: Window, transform t: SimilarityTransform, size: Int, k: Int,
                       read: (Int) -> Double) -> PixelImage {
        let step = 1 / Double(k)
        let (dx, dy) = (t.a * step, t.b * step)
        let maxX = window.width - 1, maxY = window.height - 1
        @inline(__always) func tap(_ x: Double, _ y: Double) -> Double {
            let fx = x.rounded(.down), fy = y.rounded(.down)
            let (u, v) = (x - fx, y - fy)
            let (ix, iy) = (Int(fx), Int(fy))
            let x0 = min(max(ix, 0), maxX) - window.x0, x1 = min(max(ix + 1, 0), maxX) - window.x0
            let y0 = (min(max(iy, 0), maxY) - window.y0) * window.stride
            let y1 = (min(max(iy + 1, 0), maxY) - window.y0) * window.stride
            let (p00, p01, p10, p11) = (read(y0 + x0), read(y0 + x1), read(y1 + x0), read(y1 + x1))
            let top = p00 + (p01 - p00) * u, bottom = p10 + (p11 - p10) * u
            return top + (bottom - top) * v
        }
        var sums = [Double](repeating: 0, count: size)
        var out = [UInt8](repeating: 0, count: size * size)
        let first = -0.5 + 0.5 * step, count = Double(k * k)
        for i in 0..<size {
            for j in 0..<size { sums[j] = 0 }
            for n in 0..<k {
                let cy = Double(i) + first + Double(n) * step
                var x = t.a * first - t.b * cy + t.tx, y = t.b * first + t.a * cy + t.ty
                for j in 0..<size {
                    var sum = 0.0
                    for _ in 0..<k {
                        sum += tap(x, y)
                        x += dx
                        y += dy
                    }
                    sums[j] += sum
                }
            }
            for j in 0..<size { out[i * size + j] = UInt8(min(max(sums[j] / count + 0.5, 0), 255)) }
        }
        return PixelImage(width: size, height: size, layout: .gray, pixels: out)
    }
}
