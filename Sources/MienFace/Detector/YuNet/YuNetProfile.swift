import Foundation
import MienMedia
import MienNN

extension YuNetDetector {
    /// Milliseconds of each step of `detect` on `image` (the network's layers in
    /// groups, decoding), means over `repeats` runs after one warm-up.
    public func profile(_ image: PixelImage, repeats: Int = 5) throws(NNError) -> [(step: String, ms: Double)] {
        var totals: [(String, Double)] = []
        for run in 0...max(1, repeats) {
            var steps: [(String, Double)] = []
            var last = DispatchTime.now().uptimeNanoseconds
            func lap(_ name: String) {
                let now = DispatchTime.now().uptimeNanoseconds
                steps.append((name, Double(now - last) / 1e6))
                last = now
            }
            try Self.check(image)
            let levels = network.run(image, lap: lap)
            _ = decoder.faces(levels)
            lap("decode")
            guard run > 0 else { continue }
            if totals.isEmpty { totals = steps.map { ($0.0, 0) } }
            for (i, step) in steps.enumerated() { totals[i].1 += step.1 }
        }
        return totals.map { ($0.0, $0.1 / Double(max(1, repeats))) }
    }
}
