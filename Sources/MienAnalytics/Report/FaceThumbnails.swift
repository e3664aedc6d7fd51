import Foundation
import MienMedia

/// Face crops for a report: one frame per track decoded from the video, at
/// the track's best-scoring face, the box (with a margin) cut out, scaled
/// to at most `side` pixels and written as a PNG `data:` URI.
struct FaceThumbnails {
    /// The longest side of a thumbnail, pixels.
    static let side = 72

    private let reader: VideoReader

    /// Opens `videoPath` and checks that it is the video the timeline was made from.
    /// - Throws: `AnalyticsError` when the video cannot be read, or when its file
    ///   size (`bytes`, when the meta file records it), its picture size or its
    ///   duration differ from what the meta file recorded.
    init(videoPath: String, expected probe: MetaFile.Probe?, bytes: Int? = nil, timelinePath: String) throws(AnalyticsError) {
        if let bytes, let found = Self.fileSize(videoPath), found != bytes {
            throw AnalyticsError("\(videoPath) does not match the timeline \(timelinePath): the meta file records "
                + "a file of \(bytes) bytes; this one has \(found) (was the video replaced?)")
        }
        do { reader = try VideoReader(path: videoPath) } catch {
            throw AnalyticsError("\(videoPath): cannot read the video for face thumbnails: \(error)")
        }
        guard let probe else { return }
        let info = reader.info
        let sizeDiffers = info.width != probe.width || info.height != probe.height
        let durationDiffers = info.duration > 0 && probe.duration > 0
            && abs(info.duration - probe.duration) > max(1, 0.02 * probe.duration)
        if !durationDiffers && info.isCodedSizeOfStretched(width: probe.width, height: probe.height) {
            throw AnalyticsError("\(videoPath): the timeline \(timelinePath) was made at the video's coded size, "
                + "\(probe.width)x\(probe.height), by a mien that did not yet stretch non-square pixels; the video shows at "
                + "\(info.width)x\(info.height): analyse it again")
        }
        if sizeDiffers || durationDiffers {
            throw AnalyticsError("\(videoPath) does not match the timeline \(timelinePath): the meta file records "
                + "\(probe.width)x\(probe.height), \(Self.seconds(probe.duration)); the video is "
                + "\(info.width)x\(info.height), \(Self.seconds(info.duration)) (was the video replaced?)")
        }
    }

    /// The size of the file at `path` in bytes, or nil.
    static func fileSize(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int
    }

    /// The thumbnail of the face in `box` (`[x, y, width, height]`, displayed pixels) in the frame shown at `time`;
    /// nil when no frame can be decoded there or the box lies outside it.
    func thumbnail(at time: Double, box: [Double]) -> String? {
        guard box.count == 4,
              (try? reader.seek(to: time)) != nil,
              let frame = try? reader.nextFrame(),
              let image = try? frame.image(PixelRequest(.rgb)) else { return nil }
        guard let crop = Self.crop(image, box: box) else { return nil }
        return "data:image/png;base64," + Data(PNGEncoder.encode(crop)).base64EncodedString()
    }

    /// The box grown by a fifth on each side, made square, cut to the image, and scaled down to `side` by averaging.
    static func crop(_ image: PixelImage, box: [Double]) -> PixelImage? {
        let size = max(box[2], box[3]) * 1.4
        let cx = box[0] + box[2] / 2, cy = box[1] + box[3] / 2
        let x0 = max(0, Int((cx - size / 2).rounded())), y0 = max(0, Int((cy - size / 2).rounded()))
        let x1 = min(image.width, Int((cx + size / 2).rounded())), y1 = min(image.height, Int((cy + size / 2).rounded()))
        guard x1 > x0, y1 > y0 else { return nil }
        let scale = max(1, Double(max(x1 - x0, y1 - y0)) / Double(side))
        let width = max(1, Int((Double(x1 - x0) / scale).rounded())), height = max(1, Int((Double(y1 - y0) / scale).rounded()))
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            let sy0 = y0 + Int(Double(y) * scale), sy1 = max(sy0 + 1, min(y1, y0 + Int(Double(y + 1) * scale)))
            for x in 0..<width {
                let sx0 = x0 + Int(Double(x) * scale), sx1 = max(sx0 + 1, min(x1, x0 + Int(Double(x + 1) * scale)))
                var sums = (0, 0, 0)
                for sy in sy0..<sy1 {
                    for sx in sx0..<sx1 {
                        let i = (sy * image.width + sx) * 3
                        sums.0 += Int(image.pixels[i]); sums.1 += Int(image.pixels[i + 1]); sums.2 += Int(image.pixels[i + 2])
                    }
                }
                let n = (sy1 - sy0) * (sx1 - sx0), o = (y * width + x) * 3
                pixels[o] = UInt8(sums.0 / n); pixels[o + 1] = UInt8(sums.1 / n); pixels[o + 2] = UInt8(sums.2 / n)
            }
        }
        return PixelImage(width: width, height: height, layout: .rgb, pixels: pixels)
    }

    private static func seconds(_ value: Double) -> String { String(format: "%.2f s", value) }
}
