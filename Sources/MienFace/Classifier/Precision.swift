/// The arithmetic a classifier runs in: `fp32` (float32 throughout) or `int8`
/// (post-training static quantization: int8 weights, uint8 activations, int32
/// accumulation; see Models/README.md). `--precision` on the command line.
public enum Precision: String, Sendable, CaseIterable, Codable {
    /// float32 throughout.
    case fp32
    /// int8 convolutions with float32 where that measured better.
    case int8
}
