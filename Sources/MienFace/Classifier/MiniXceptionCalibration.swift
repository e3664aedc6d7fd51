import MienNN

/// Calibrates `QuantizedMiniXception`'s activation scales: the float32
/// network runs over a sample of preprocessed faces, and each quantized
/// activation gets the scale that maps the `percentile`-th percentile of its
/// absolute values to the top of its range (255 with zero point 0, 127 with
/// zero point 128); 100 is plain min/max. Two passes: the largest absolute
/// value of each activation, then a histogram of 65,536 bins up to it.
public enum MiniXceptionCalibration {
    /// Bins of the second pass's histograms.
    static let bins = 65_536

    /// The activation scales by name (`QuantizedMiniXception.calibratedActivations`).
    /// - Parameters:
    ///   - batches: preprocessed faces `[N, 1, 64, 64]`, in a fixed order.
    ///   - percentile: in (0, 100]; 100 takes each activation's largest absolute value.
    public static func scales(_ model: MiniXception, batches: [Tensor], percentile: Double) -> [String: Float] {
        precondition(percentile > 0 && percentile <= 100, "a percentile lies in (0, 100]")
        let zeros = Dictionary(uniqueKeysWithValues: QuantizedMiniXception.calibratedActivations.map { ($0.name, $0.zero) })
        /// Calls `visit` with each calibrated activation of each batch.
        func forEachActivation(_ visit: (String, Tensor) -> Void) {
            withoutActuallyEscaping(visit) { visit in
                for batch in batches {
                    _ = model.logits(batch) { name, value in
                        if name == "conv1" { visit("conv1", value) }
                        if name == "conv2" { visit("module1.input", value) }
                        for k in 1...4 {
                            if name == "module\(k).depthwise1" || name == "module\(k).depthwise2" { visit(name, value) }
                            if k < 4 && name == "module\(k).pool+add" { visit("module\(k + 1).input", value) }
                        }
                    }
                }
            }
        }
        var top: [String: Float] = [:]
        forEachActivation { name, value in top[name] = max(top[name] ?? 0, value.data.reduce(0) { max($0, abs($1)) }) }
        var histograms: [String: [Int]] = [:]
        if percentile < 100 {
            forEachActivation { name, value in
                let limit = top[name]!, scale = Float(bins) / max(limit, .leastNormalMagnitude)
                var histogram = histograms[name] ?? [Int](repeating: 0, count: bins)
                for v in value.data { histogram[min(Int(abs(v) * scale), bins - 1)] += 1 }
                histograms[name] = histogram
            }
        }
        var scales: [String: Float] = [:]
        for (name, zero) in zeros {
            var clip = top[name] ?? 0
            if let histogram = histograms[name] {
                let total = histogram.reduce(0, +), wanted = Double(total) * percentile / 100
                var seen = 0
                for (bin, count) in histogram.enumerated() {
                    seen += count
                    if Double(seen) >= wanted { clip = Float(bin + 1) / Float(bins) * clip; break }
                }
            }
            scales[name] = max(clip, .leastNormalMagnitude) / (zero == 0 ? 255 : 127)
        }
        return scales
    }
}
