import Foundation
import MienMedia
import MienNN

/// Times a classifier on synthetic faces, for `mien bench models`. Prints nothing.
public enum ClassifierBenchmark {
    /// What one run measured.
    public struct Result: Sendable {
        /// Faces classified per second, preprocessing included.
        public var facesPerSecond: Double
        /// Faces classified in the timed part.
        public var faces: Int
        /// Seconds of the timed part.
        public var seconds: Double
        /// The batch size used.
        public var batch: Int
    }

    /// Classifies batches of `batch` synthetic gray faces of `faceSize` x `faceSize`
    /// (48: FER-2013 crops, resized to the model's input as in `mien eval`) with
    /// `classifier` for about `seconds` after one warm-up batch, on the calling
    /// thread. OpenBLAS threads are left as they are: one unless
    /// `MatrixMultiply.setThreads` chose more.
    public static func run(classifier: any EmotionClassifier, batch: Int, seconds: Double,
                           faceSize: Int = 48) throws(ClassifierError) -> Result {
        precondition(batch > 0 && faceSize > 0, "batch and face size must be positive")
        let faces = syntheticFaces(count: batch, size: faceSize)
        _ = try classifier.classify(faces: faces)
        var done = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        repeat {
            let rows = try classifier.classify(faces: faces)
            done += rows.count
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        } while elapsed < seconds
        return Result(facesPerSecond: Double(done) / elapsed, faces: done, seconds: elapsed, batch: batch)
    }

    /// `count` different gray images of `size` x `size` (smooth gradients with noise).
    static func syntheticFaces(count: Int, size: Int) -> [PixelImage] {
        var state: UInt64 = 0x5EED
        return (0..<count).map { i in
            var pixels = [UInt8](repeating: 0, count: size * size)
            for y in 0..<size {
                for x in 0..<size {
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    pixels[y * size + x] = UInt8(truncatingIfNeeded: (x * 3 + y * 2 + i * 17) + Int(state >> 60))
                }
            }
            return PixelImage(width: size, height: size, layout: .gray, pixels: pixels)
        }
    }
}

extension ClassifierBenchmark {
    /// Seconds per batch spent in each layer of `model` (names as its `logits(_:trace:)`
    /// reports them, in order), averaged over `repeats` batches of `batch` faces, plus
    /// `preprocess` (resize + mapping of 48x48 faces) and `softmax`. The batch runs
    /// through the layers in one piece (`probabilities` cuts it into chunks of a
    /// few images), so batch 1 shows the split of the real pipeline.
    public static func layerSplit(_ model: any LayerTracing, batch: Int, repeats: Int) throws(ClassifierError) -> [(layer: String, seconds: Double)] {
        let faces = syntheticFaces(count: batch, size: 48)
        var names: [String] = []
        var totals: [String: Double] = [:]
        func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
        for round in 0...repeats {  // round 0 warms up
            var mark = now()
            func lap(_ name: String) {
                let t = now()
                if round > 0 {
                    if totals[name] == nil { names.append(name) }
                    totals[name, default: 0] += Double(t - mark) / 1e9
                }
                mark = t
            }
            let input = try model.preprocessing.tensor(faces: faces)
            lap("preprocess")
            let logits = model.logits(input) { name, _ in lap(name) }
            _ = Softmax.apply(logits)
            lap("softmax")
        }
        return names.map { ($0, totals[$0]! / Double(repeats)) }
    }
}
