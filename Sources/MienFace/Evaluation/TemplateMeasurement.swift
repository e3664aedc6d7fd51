import Foundation
import MienMedia
import MienNN

/// Measures a `FaceTemplate` from a data set of face crops: where MTCNN puts
/// the five landmarks in them, in unit coordinates. This is how
/// `FaceTemplate.fer2013` was made (`mien eval --measure-template`).
///
/// Each image is enlarged and searched (`UpscaledDetection`); only images
/// with exactly one face of probability at least `minScore` (weaker ones ignored) count. The
/// template is the mean, or the per-coordinate median, over them.
public enum TemplateMeasurement {
    /// What the measurement found.
    public struct Result: Sendable {
        /// Images looked at.
        public var images = 0
        /// Images that could not be decoded.
        public var unreadable = 0
        /// Images with no face found.
        public var noFace = 0
        /// Images with more than one face found.
        public var severalFaces = 0
        /// Images whose single face had a probability below the threshold.
        public var unsure = 0
        /// Unit landmarks of each image that counted.
        public var samples: [[FaceDetection.Point]] = []

        /// The mean position of each landmark.
        public var mean: FaceTemplate {
            let n = Double(max(samples.count, 1))
            return FaceTemplate(name: "mean", points: (0..<5).map { i in
                FaceDetection.Point(x: samples.reduce(0) { $0 + $1[i].x } / n, y: samples.reduce(0) { $0 + $1[i].y } / n)
            })
        }

        /// The median of each coordinate of each landmark (the mean of the two middle values for an even count).
        public var median: FaceTemplate {
            func median(_ values: [Double]) -> Double {
                let sorted = values.sorted(), n = sorted.count
                guard n > 0 else { return 0 }
                return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
            }
            return FaceTemplate(name: "median", points: (0..<5).map { i in
                FaceDetection.Point(x: median(samples.map { $0[i].x }), y: median(samples.map { $0[i].y }))
            })
        }

        /// The standard deviation of each landmark's x and y.
        public var spread: [FaceDetection.Point] {
            let m = mean.points, n = Double(max(samples.count, 1))
            return (0..<5).map { i in
                FaceDetection.Point(x: (samples.reduce(0) { $0 + pow($1[i].x - m[i].x, 2) } / n).squareRoot(),
                                    y: (samples.reduce(0) { $0 + pow($1[i].y - m[i].y, 2) } / n).squareRoot())
            }
        }
    }

    /// Measures the landmarks over `items`.
    /// - Throws: `NNError` from the detector.
    public static func run(_ items: [ImageFolder.Item], detector: any FaceDetector, upscale: Int = 3, margin: Double = 0, fill: UInt8? = nil,
                           minScore: Double = 0.95) throws(NNError) -> Result {
        var result = Result()
        for item in items {
            result.images += 1
            guard let crop = try? ImageFolder.grayImage(item.path) else { result.unreadable += 1; continue }
            let found = try UpscaledDetection(crop, factor: upscale, margin: margin, fill: fill, detector: detector)
            // Faces below minScore do not count against an image: YuNet also reports
            // weak candidates (scores 0.2-0.4) that are not faces.
            let confident = found.faces.filter { $0.score >= minScore }
            switch confident.count {
            case 0: if found.faces.isEmpty { result.noFace += 1 } else { result.unsure += 1 }
            case 1: result.samples.append(found.unitLandmarks(confident[0]))
            default: result.severalFaces += 1
            }
        }
        return result
    }
}
