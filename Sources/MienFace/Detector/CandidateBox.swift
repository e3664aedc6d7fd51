/// A face candidate between the cascade's stages: a box in image pixels, its
/// score and the regression offsets of the network that scored it.
///
/// Everything is float32 and every formula keeps facenet-pytorch's order of
/// operations, so that boxes come out as torch computes them.
struct CandidateBox: Sendable, Equatable {
    var x1, y1, x2, y2: Float
    var score: Float
    /// Box regression `[dx1, dy1, dx2, dy2]`, in box widths / heights.
    var reg: SIMD4<Float>

    /// Applies P-Net's regression, whose widths have no +1: `w = x2 - x1`.
    mutating func regressWithoutOne() {
        let w = x2 - x1, h = y2 - y1
        apply(reg, width: w, height: h)
    }

    /// Applies R-Net's or O-Net's regression (`bbreg`), with `w = x2 - x1 + 1`.
    mutating func regress(_ offsets: SIMD4<Float>) {
        let w = x2 - x1 + 1, h = y2 - y1 + 1
        apply(offsets, width: w, height: h)
    }

    private mutating func apply(_ r: SIMD4<Float>, width w: Float, height h: Float) {
        let q1 = x1 + r[0] * w, q2 = y1 + r[1] * h, q3 = x2 + r[2] * w, q4 = y2 + r[3] * h
        (x1, y1, x2, y2) = (q1, q2, q3, q4)
    }

    /// `rerec`: the square of side `max(w, h)` (no +1) around the box's centre.
    mutating func makeSquare() {
        let h = y2 - y1, w = x2 - x1
        let l = max(w, h)
        x1 = x1 + w * 0.5 - l * 0.5
        y1 = y1 + h * 0.5 - l * 0.5
        x2 = x1 + l
        y2 = y1 + l
    }

    /// The pixels a crop of this box takes (facenet-pytorch's `pad`): corners
    /// truncated toward zero, `x1, y1` raised to 1 and `x2, y2` lowered to the
    /// image size, then columns `x1 - 1 ..< x2` and rows `y1 - 1 ..< y2`.
    /// Nil when that is empty (the box lies outside the image). No zero padding.
    func cropRegion(imageWidth: Int, imageHeight: Int) -> AreaResize.Region? {
        guard let tx1 = Self.truncated(x1), let ty1 = Self.truncated(y1),
              let tx2 = Self.truncated(x2), let ty2 = Self.truncated(y2) else { return nil }
        let left = max(tx1, 1) - 1, top = max(ty1, 1) - 1
        let right = min(tx2, imageWidth), bottom = min(ty2, imageHeight)
        guard right > left && bottom > top else { return nil }
        return AreaResize.Region(x: left, y: top, width: right - left, height: bottom - top)
    }

    /// `Int(v)` toward zero, or nil for values no image coordinate can have (NaN, huge).
    private static func truncated(_ v: Float) -> Int? {
        v.isFinite && abs(v) < 1e9 ? Int(v) : nil
    }

    /// `(x2 - x1) * (y2 - y1)`, the area torchvision's IoU and the final ordering use.
    var area: Float { (x2 - x1) * (y2 - y1) }
}
