import MienNN

/// One `BasicBlock` of expression-net in int8: the convolutions in integers,
/// squeeze-excitation, the shortcut add and the ReLU in float32, NHWC.
///
/// ```
/// mid  = conv1(x)                      uint8 (scale midScale), ReLU by the clamp
/// body = conv2(mid)                    float32
/// y    = relu(body * SE(body) + skip)  QuantizedResidualEnd
/// ```
struct QuantizedBasicBlock: QuantizedExpressionBlock {
    let conv1: QuantizedConv2D
    let conv2: QuantizedConv2D
    let end: QuantizedResidualEnd

    /// Builds the block from its float32 form and the activation scales around it.
    init(_ block: BasicBlock, inputScale: Float, midScale: Float) {
        conv1 = .quantizing(block.conv1, inputScale: inputScale, outputScale: midScale)
        conv2 = .quantizing(block.conv2, inputScale: midScale)
        end = QuantizedResidualEnd(shortcut: block.shortcut, excite: block.excite, inputScale: inputScale, after: conv2)
    }

    func outputSize(height h: Int, width w: Int) -> (Int, Int) { (conv1.outputSize(h), conv1.outputSize(w)) }

    func bodyMultiplyAdds(height h: Int, width w: Int) -> Int {
        let (oh, ow) = outputSize(height: h, width: w)
        return conv1.multiplyAdds(height: h, width: w) + conv2.multiplyAdds(height: oh, width: ow)
    }

    func body(_ x: QuantizedBatch) -> [Float] { conv2.floatOutput(conv1(x)) }

    func referenceBody(_ x: QuantizedBatch) -> [Float] {
        conv2.reference(conv1.referenceBatch(x), float: true)
    }
}
