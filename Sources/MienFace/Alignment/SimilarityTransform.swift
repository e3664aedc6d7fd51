import Foundation

/// A 2-D similarity transform: rotation, uniform scale and translation,
///
///     x' = a x - b y + tx
///     y' = b x + a y + ty
///
/// that is, the complex map `z' = c z + t` with `c = a + ib` (scale `|c|`,
/// rotation `arg c`) and `t = tx + i ty`. It never reflects.
///
/// `FaceAligner` fits one from a face's landmarks in image pixels to the
/// template's positions in crop pixels; `inverse` maps crop pixels back to
/// the image.
public struct SimilarityTransform: Sendable, Hashable, Codable {
    /// `scale * cos(rotation)`.
    public var a: Double
    /// `scale * sin(rotation)`.
    public var b: Double
    /// Translation along x.
    public var tx: Double
    /// Translation along y.
    public var ty: Double

    /// Creates `x' = a x - b y + tx`, `y' = b x + a y + ty`.
    public init(a: Double, b: Double, tx: Double, ty: Double) {
        self.a = a
        self.b = b
        self.tx = tx
        self.ty = ty
    }

    /// The identity.
    public static let identity = SimilarityTransform(a: 1, b: 0, tx: 0, ty: 0)

    /// The transform that scales by `scale`, rotates by `rotation` radians
    /// (counter-clockwise with y up, clockwise on screen with y down), then translates.
    public init(scale: Double, rotation: Double, tx: Double, ty: Double) {
        self.init(a: scale * cos(rotation), b: scale * sin(rotation), tx: tx, ty: ty)
    }

    /// The uniform scale factor, `sqrt(a² + b²)`.
    public var scale: Double { (a * a + b * b).squareRoot() }
    /// The rotation in radians, `atan2(b, a)`.
    public var rotation: Double { atan2(b, a) }

    /// `p` mapped.
    public func apply(_ p: FaceDetection.Point) -> FaceDetection.Point {
        FaceDetection.Point(x: a * p.x - b * p.y + tx, y: b * p.x + a * p.y + ty)
    }

    /// The transform undoing this one, `z = (z' - t) / c`. The scale must not be 0.
    public var inverse: SimilarityTransform {
        let norm = a * a + b * b
        precondition(norm > 0, "a similarity transform of scale 0 has no inverse")
        // 1 / c = conj(c) / |c|², and -t / c.
        let ia = a / norm, ib = -b / norm
        return SimilarityTransform(a: ia, b: ib, tx: -(ia * tx - ib * ty), ty: -(ib * tx + ia * ty))
    }

    /// This transform after `first`: `self.apply(first.apply(p))`.
    public func composed(after first: SimilarityTransform) -> SimilarityTransform {
        SimilarityTransform(a: a * first.a - b * first.b, b: a * first.b + b * first.a,
                            tx: a * first.tx - b * first.ty + tx, ty: b * first.tx + a * first.ty + ty)
    }

    /// The least-squares similarity transform taking `source[i]` to `target[i]`:
    /// the one minimising `Σ |T(source[i]) - target[i]|²` (Umeyama 1991, without
    /// reflection; in 2-D this is the closed form below).
    ///
    /// With centroids `p̄`, `q̄` and centred points `p = source - p̄`,
    /// `q = target - q̄` as complex numbers, the optimum is
    /// `c = Σ q conj(p) / Σ |p|²`, `t = q̄ - c p̄`, i.e.
    /// `a = Σ (px qx + py qy) / Σ |p|²`, `b = Σ (px qy - py qx) / Σ |p|²`.
    /// - Throws: `ClassifierError.badLandmarks` when the two lists differ in
    ///   length or have fewer than two points, when a coordinate is not finite,
    ///   or when the source points all coincide (no scale or rotation follows).
    public static func fit(from source: [FaceDetection.Point], to target: [FaceDetection.Point])
        throws(ClassifierError) -> SimilarityTransform {
        guard source.count == target.count, source.count >= 2 else {
            throw ClassifierError(.badLandmarks,
                "a similarity fit needs two equally long lists of at least 2 points, got \(source.count) and \(target.count)")
        }
        guard (source + target).allSatisfy({ $0.x.isFinite && $0.y.isFinite }) else {
            throw ClassifierError(.badLandmarks, "landmarks must be finite, got \(source) -> \(target)")
        }
        let n = Double(source.count)
        let px = source.reduce(0) { $0 + $1.x } / n, py = source.reduce(0) { $0 + $1.y } / n
        let qx = target.reduce(0) { $0 + $1.x } / n, qy = target.reduce(0) { $0 + $1.y } / n
        var spread = 0.0, dot = 0.0, cross = 0.0
        for (s, t) in zip(source, target) {
            let (sx, sy, tx, ty) = (s.x - px, s.y - py, t.x - qx, t.y - qy)
            spread += sx * sx + sy * sy
            dot += sx * tx + sy * ty
            cross += sx * ty - sy * tx
        }
        // Relative to the points' own size, so that tiny faces still count.
        let size = source.reduce(0) { max($0, abs($1.x), abs($1.y)) }
        guard spread > 1e-18 * max(1, size * size) * n else {
            throw ClassifierError(.badLandmarks, "the \(source.count) landmarks all lie in one place (\(source[0])); no face to align")
        }
        let a = dot / spread, b = cross / spread
        guard a != 0 || b != 0 else {
            throw ClassifierError(.badLandmarks, "the target points all lie in one place; the fit has scale 0")
        }
        return SimilarityTransform(a: a, b: b, tx: qx - (a * px - b * py), ty: qy - (b * px + a * py))
    }
}
