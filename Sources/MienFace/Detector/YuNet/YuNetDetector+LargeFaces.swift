import MienMedia

/// Faces too large for one YuNet pass. YuNet-s's coarsest level has a
/// stride of 32, so a face whose box is longer than about 400 pixels is no
/// longer seen whole: measured on a portrait photo scaled up, boxes of
/// 280x393 and 358x478 are found, while at 505x543 and larger YuNet reports
/// two to eight "faces" on parts of the one face (eyes, mouth) and not the
/// face. A driver filling a 1080p cabin view, or most close-ups in 4K, are
/// that large. So on a frame whose shorter side is at least 480 pixels a
/// second pass runs on the frame shrunk by an integer factor (the shorter
/// side to 240 to 479 pixels: a 720p frame by 3, 1080p by 4, 4K by 9), and
/// its faces of at least `largeFaceSide` pixels, scaled back, join the
/// full-size pass's:
/// - one that a full-size face overlaps at IoU 0.5 or more, scoring about as
///   high (at most 0.05 lower), is that face already found (kept as found at
///   full size, which places it better);
/// - otherwise it is added, and the full-size faces it holds (at least half
///   of each inside it) that score lower and are not tiny beside it (at
///   least a 32nd of its area) are dropped: those are parts of it, which
///   score lower than the whole face. A small face near a large one (a
///   passenger behind the driver) stays: it is under a 32nd of its area.
extension YuNetDetector {
    /// Boxes at least this long (full-size pixels) are taken from the shrunk pass.
    static let largeFaceSide = 320.0
    /// The shrunk pass brings the frame's shorter side to about this.
    static let shrunkShortSide = 240

    /// The factor the frame is shrunk by for the second pass, or nil when it
    /// is too small to hold a face that large (shorter side under 480).
    static func shrinkFactor(width: Int, height: Int) -> Int? {
        let factor = min(width, height) / shrunkShortSide
        return factor >= 2 ? factor : nil
    }

    /// `native` with the large faces of `shrunk` (already in full-size pixels) joined as the type's doc says.
    static func joiningLargeFaces(_ native: [FaceDetection], _ shrunk: [FaceDetection]) -> [FaceDetection] {
        var faces = native
        for large in shrunk where max(large.width, large.height) >= largeFaceSide {
            let found = native.contains {
                DetectionMatch.iou(($0.x1, $0.y1, $0.x2, $0.y2), (large.x1, large.y1, large.x2, large.y2)) >= 0.5
                    && $0.score >= large.score - 0.05
            }
            if found { continue }
            faces.removeAll { part in
                part.score < large.score && overlap(part, large) >= 0.5 * part.area && part.area * 32 >= large.area
            }
            faces.append(large)
        }
        return faces
    }

    /// The area two boxes share.
    static func overlap(_ a: FaceDetection, _ b: FaceDetection) -> Double {
        max(0, min(a.x2, b.x2) - max(a.x1, b.x1)) * max(0, min(a.y2, b.y2) - max(a.y1, b.y1))
    }

    /// `face` from a frame shrunk by `factor`, in full-size pixels.
    static func enlarged(_ face: FaceDetection, by factor: Int) -> FaceDetection {
        face.scaled(x: Double(factor), y: Double(factor))
    }

    /// `image` (`.rgb` or `.rgbPlanar`) shrunk by `factor`: each pixel the
    /// rounded mean of a `factor` x `factor` block (a right or bottom
    /// remainder of fewer pixels is left out). Each output row adds its
    /// `factor` input rows into one row of sums, then sums runs of `factor`
    /// pixels of it: about 2 ms for a 1080p frame.
    static func shrunk(_ image: PixelImage, by factor: Int) -> PixelImage {
        let (w, h) = (image.width / factor, image.height / factor)
        let planar = image.layout == .rgbPlanar
        // Rows of interleaved pixels: one row of 3 * width values; planar: three planes of rows of width values.
        let (planes, rowValues, outRowValues, step) = planar ? (3, image.width, w, 1) : (1, 3 * image.width, 3 * w, 3)
        var out = [UInt8](repeating: 0, count: w * h * 3)
        var sums = [UInt32](repeating: 0, count: rowValues)
        let block = UInt32(factor * factor), half = block / 2
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                sums.withUnsafeMutableBufferPointer { row in
                    for plane in 0..<planes {
                        let inPlane = src.baseAddress! + plane * image.height * rowValues
                        let outPlane = dst.baseAddress! + plane * h * outRowValues
                        for y in 0..<h {
                            for i in 0..<rowValues { row[i] = 0 }
                            for dy in 0..<factor {
                                let line = inPlane + (y * factor + dy) * rowValues
                                for i in 0..<rowValues { row[i] &+= UInt32(line[i]) }
                            }
                            let target = outPlane + y * outRowValues
                            for x in 0..<(outRowValues / step) {
                                for c in 0..<step {
                                    var sum: UInt32 = 0
                                    for dx in 0..<factor { sum &+= row[(x * factor + dx) * step + c] }
                                    target[x * step + c] = UInt8((sum + half) / block)
                                }
                            }
                        }
                    }
                }
            }
        }
        return PixelImage(width: w, height: h, layout: image.layout, pixels: out)
    }
}
