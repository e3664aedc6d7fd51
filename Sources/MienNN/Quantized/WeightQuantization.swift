/// Symmetric per-output-channel int8 quantization of float weights:
/// `scale[c] = max|w[c]| / 127` (1 for an all-zero channel) and
/// `q = clamp(round half to even(w / scale[c]), -127, 127)`, in float32, as
/// `Models/quantize_expression_net.py` computes it.
public enum WeightQuantization {
    /// The int8 weights and per-channel scales of `weight` (dimension 0 is the output channel).
    public static func perChannel(_ weight: Tensor) -> (values: [Int8], scales: [Float]) {
        let channels = weight.shape[0], per = weight.count / max(channels, 1)
        var values = [Int8](repeating: 0, count: weight.count)
        var scales = [Float](repeating: 1, count: channels)
        for c in 0..<channels {
            let row = weight.data[(c * per)..<((c + 1) * per)]
            let top = row.reduce(Float(0)) { max($0, abs($1)) }
            let scale = top > 0 ? top / 127 : 1
            scales[c] = scale
            for (i, w) in row.enumerated() {
                values[c * per + i] = Int8(min(max((w / scale).rounded(.toNearestOrEven), -127), 127))
            }
        }
        return (values, scales)
    }
}
