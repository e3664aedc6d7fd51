/// Fully connected layer on `[N, in]`: `y = x W^T + b`, weights `[out, in]` as
/// PyTorch's `Linear`. The whole batch is one GEMM.
public struct Dense: Sendable {
    /// `[out, in]`.
    public var weight: Tensor
    /// `[out]`, or nil.
    public var bias: [Float]?
    public var activation: Activation?

    /// Creates a dense layer.
    public init(weight: Tensor, bias: [Float]? = nil, activation: Activation? = nil) {
        precondition(weight.rank == 2, "dense weight must be [out, in], got \(weight.shape)")
        precondition(bias == nil || bias!.count == weight.shape[0], "bias length must be the output size")
        self.weight = weight
        self.bias = bias
        self.activation = activation
    }

    public var inputs: Int { weight.shape[1] }
    public var outputs: Int { weight.shape[0] }

    /// The layer, fast path. Inputs of higher rank are flattened after dimension 0.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let n = x.shape[0]
        precondition(x.count == n * inputs, "dense layer expects \(inputs) features, got shape \(x.shape)")
        var y = Tensor(shape: [n, outputs])
        for r in 0..<n { for o in 0..<outputs { y.data[r * outputs + o] = bias?[o] ?? 0 } }
        x.data.withUnsafeBufferPointer { xp in
            weight.data.withUnsafeBufferPointer { wp in
                y.data.withUnsafeMutableBufferPointer { yp in
                    // [N, in] x [out, in]^T -> [N, out]
                    MatrixMultiply.gemm(transposeB: true, m: n, n: outputs, k: inputs, xp.baseAddress!, lda: inputs,
                                        wp.baseAddress!, ldb: inputs, beta: 1, yp.baseAddress!, ldc: outputs)
                    activation?.apply(yp.baseAddress!, count: n * outputs, channels: outputs, planeSize: 1)
                }
            }
        }
        return y
    }

    /// The layer by its definition, for tests.
    public func reference(_ x: Tensor) -> Tensor {
        let n = x.shape[0]
        var y = Tensor(shape: [n, outputs])
        for r in 0..<n {
            for o in 0..<outputs {
                var sum = bias?[o] ?? 0
                for i in 0..<inputs { sum += x.data[r * inputs + i] * weight.data[o * inputs + i] }
                y.data[r * outputs + o] = sum
            }
        }
        return activation.map { $0(y) } ?? y
    }
}
