import MienNN

/// A classifier that can report each layer's output as it runs, for parity
/// tests and the per-layer benchmark (`mien bench classifier --layers`).
public protocol LayerTracing: EmotionClassifier {
    /// The logits for a preprocessed batch; `trace`, when given, sees each layer's
    /// output with its name, in order.
    func logits(_ input: Tensor, trace: ((String, Tensor) -> Void)?) -> Tensor
}

extension MiniXception: LayerTracing {}
extension ExpressionNet: LayerTracing {}
