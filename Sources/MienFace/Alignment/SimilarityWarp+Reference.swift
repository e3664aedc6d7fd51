import MienMedia

extension SimilarityWarp {
    /// The plain definition of `warp`, every crop pixel computed on its own,
    /// the `.areaReduced` block grid computed over the whole image. Slow; for tests.
    static func reference(_ image: PixelImage, cropToImage: SimilarityTransform, size: Int,
                          sampling: FaceAligner.Sampling) -> PixelImage {
        precondition(image.layout == .gray && image.width > 0 && image.height > 0 && size > 0)
        let k = factor(sampling, scale: cropToImage.scale)
        // The gray values as a function of (column, row), border replicated.
        var values: [[Double]] = (0..<image.height).map { y in
            (0..<image.width).map { x in Double(image.pixels[y * image.width + x]) }
        }
        var transform = cropToImage
        var subSamples = 1
        switch sampling {
        case .bilinear: break
        case .supersampled: subSamples = k
        case .areaReduced where k > 1:
            values = blockGridMeans(values, k: k)
            transform = blockGrid(k).composed(after: cropToImage)
        case .areaReduced: break
        }
        func pixel(_ x: Int, _ y: Int) -> Double {
            values[min(max(y, 0), values.count - 1)][min(max(x, 0), values[0].count - 1)]
        }
        func bilinear(_ p: FaceDetection.Point) -> Double {
            let x0 = Int(p.x.rounded(.down)), y0 = Int(p.y.rounded(.down))
            let u = p.x - Double(x0), v = p.y - Double(y0)
            return pixel(x0, y0) * (1 - u) * (1 - v) + pixel(x0 + 1, y0) * u * (1 - v)
                + pixel(x0, y0 + 1) * (1 - u) * v + pixel(x0 + 1, y0 + 1) * u * v
        }
        var out: [UInt8] = []
        for i in 0..<size {
            for j in 0..<size {
                var sum = 0.0
                for n in 0..<subSamples {
                    for m in 0..<subSamples {
                        let x = Double(j) - 0.5 + (Double(m) + 0.5) / Double(subSamples)
                        let y = Double(i) - 0.5 + (Double(n) + 0.5) / Double(subSamples)
                        sum += bilinear(transform.apply(FaceDetection.Point(x: x, y: y)))
                    }
                }
                let mean = sum / Double(subSamples * subSamples)
                out.append(UInt8(min(max(mean + 0.5, 0), 255)))
            }
        }
        return PixelImage(width: size, height: size, layout: .gray, pixels: out)
    }

    /// Means of the `k x k` blocks of `values` from the top-left corner, partial blocks at the right and bottom.
    static func blockGridMeans(_ values: [[Double]], k: Int) -> [[Double]] {
        let height = values.count, width = values[0].count
        return stride(from: 0, to: height, by: k).map { top in
            stride(from: 0, to: width, by: k).map { left in
                var sum = 0.0, count = 0
                for y in top..<min(top + k, height) {
                    for x in left..<min(left + k, width) {
                        sum += values[y][x]
                        count += 1
                    }
                }
                return sum / Double(count)
            }
        }
    }
}
