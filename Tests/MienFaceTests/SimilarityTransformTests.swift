import Foundation
import Testing

@testable import MienFace

@Suite("Similarity transform: closed-form least-squares fit")
struct SimilarityTransformTests {
    typealias Point = FaceDetection.Point

    /// A face-like set of five points in image pixels.
    static let face = [Point(x: 210, y: 140), Point(x: 290, y: 135), Point(x: 252, y: 190),
                       Point(x: 220, y: 240), Point(x: 285, y: 236)]

    static let transforms: [SimilarityTransform] = [
        .identity,
        SimilarityTransform(scale: 0.2, rotation: 0, tx: -30, ty: -20),
        SimilarityTransform(scale: 0.35, rotation: 0.4, tx: 10, ty: -50),
        SimilarityTransform(scale: 3, rotation: -2.5, tx: 400, ty: 7),
        SimilarityTransform(scale: 1e-3, rotation: 3.1, tx: 0.5, ty: 0.25),
    ]

    @Test(arguments: transforms)
    func recoversAnExactTransform(t: SimilarityTransform) throws {
        let fitted = try SimilarityTransform.fit(from: Self.face, to: Self.face.map(t.apply))
        let tolerance = 1e-9 * max(1, abs(t.tx), abs(t.ty))
        #expect(abs(fitted.a - t.a) < 1e-12 && abs(fitted.b - t.b) < 1e-12, "\(fitted) vs \(t)")
        #expect(abs(fitted.tx - t.tx) < tolerance && abs(fitted.ty - t.ty) < tolerance, "\(fitted) vs \(t)")
    }

    @Test(arguments: transforms)
    func inverseAndCompositionUndoEachOther(t: SimilarityTransform) {
        for p in Self.face {
            let back = t.inverse.apply(t.apply(p))
            #expect(abs(back.x - p.x) < 1e-9 && abs(back.y - p.y) < 1e-9)
            let twice = t.composed(after: t).apply(p), stepwise = t.apply(t.apply(p))
            #expect(abs(twice.x - stepwise.x) < 1e-6 * max(1, abs(stepwise.x)))
            #expect(abs(twice.y - stepwise.y) < 1e-6 * max(1, abs(stepwise.y)))
        }
        #expect(abs(t.scale - hypot(t.a, t.b)) < 1e-15)
    }

    /// Sum of squared distances between `t(source)` and `target`.
    static func residual(_ t: SimilarityTransform, _ source: [Point], _ target: [Point]) -> Double {
        zip(source, target).reduce(0) { sum, pair in
            let p = t.apply(pair.0)
            return sum + pow(p.x - pair.1.x, 2) + pow(p.y - pair.1.y, 2)
        }
    }

    @Test func noisyPointsGiveTheLeastSquaresOptimum() throws {
        let truth = SimilarityTransform(scale: 0.3, rotation: 0.2, tx: -40, ty: -25)
        let noise = [(0.8, -0.3), (-0.5, 0.9), (0.2, 0.1), (-0.7, -0.6), (0.4, 0.5)]
        let target = zip(Self.face.map(truth.apply), noise).map { Point(x: $0.x + $1.0, y: $0.y + $1.1) }
        let fitted = try SimilarityTransform.fit(from: Self.face, to: target)
        let best = Self.residual(fitted, Self.face, target)
        #expect(best > 0)
        // Any small change of any parameter fits worse: the fit is the minimum.
        for (da, db, dx, dy) in [(1e-4, 0.0, 0.0, 0.0), (-1e-4, 0, 0, 0), (0, 1e-4, 0, 0), (0, -1e-4, 0, 0),
                                 (0, 0, 1e-3, 0), (0, 0, -1e-3, 0), (0, 0, 0, 1e-3), (0, 0, 0, -1e-3), (1e-4, -1e-4, 1e-3, 1e-3)] {
            let moved = SimilarityTransform(a: fitted.a + da, b: fitted.b + db, tx: fitted.tx + dx, ty: fitted.ty + dy)
            #expect(Self.residual(moved, Self.face, target) > best)
        }
        // And it lies close to the transform the noise was added to.
        #expect(abs(fitted.scale - 0.3) < 0.02 && abs(fitted.rotation - 0.2) < 0.05)
    }

    @Test func badInputsThrow() {
        let target = Self.face
        for (source, target) in [(Array(Self.face.prefix(4)), target), ([], []), ([Self.face[0]], [target[0]]),
                                 (Array(repeating: Self.face[0], count: 5), target),
                                 (Self.face.map { Point(x: $0.x, y: .nan) }, target),
                                 (Self.face, Array(repeating: target[0], count: 5))] {
            #expect(throws: ClassifierError.self) { try SimilarityTransform.fit(from: source, to: target) }
        }
        do {
            _ = try SimilarityTransform.fit(from: Array(repeating: Self.face[0], count: 5), to: target)
        } catch {
            #expect(error.code == .badLandmarks)
        }
    }
}
