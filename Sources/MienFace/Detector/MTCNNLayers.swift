import MienNN

/// Reading the layers of the three MTCNN networks from their PyTorch state dicts.
///
/// Every tensor is read with the exact state-dict name and shape; a missing or
/// mis-shaped one is an `NNError` naming the file, the key and both shapes.
enum MTCNNLayers {
    /// Network inputs are pixels mapped as `(pixel - 127.5) * 0.0078125`.
    static let pixelOffset: Float = 127.5
    /// See `pixelOffset`.
    static let pixelScale: Float = 0.0078125

    /// `<conv>.weight [cout, cin, k, k]`, `<conv>.bias [cout]`, and when `prelu`
    /// is given `<prelu>.weight [cout]` as the fused activation.
    static func conv(_ loader: WeightLoader, _ name: String, _ cin: Int, _ cout: Int, kernel: Int,
                     prelu: String? = nil) throws(NNError) -> Conv2D {
        let weight = try loader.tensor("\(name).weight", shape: [cout, cin, kernel, kernel])
        let bias = try loader.vector("\(name).bias", count: cout)
        let activation = try prelu.map { (p: String) throws(NNError) -> Activation in
            .prelu(try loader.vector("\(p).weight", count: cout))
        }
        return Conv2D(weight: weight, bias: bias, activation: activation)
    }

    /// `<name>.weight [out, in]`, `<name>.bias [out]`, and `<prelu>.weight [out]` when given.
    static func dense(_ loader: WeightLoader, _ name: String, _ inputs: Int, _ outputs: Int,
                      prelu: String? = nil) throws(NNError) -> Dense {
        let weight = try loader.tensor("\(name).weight", shape: [outputs, inputs])
        let bias = try loader.vector("\(name).bias", count: outputs)
        let activation = try prelu.map { (p: String) throws(NNError) -> Activation in
            .prelu(try loader.vector("\(p).weight", count: outputs))
        }
        return Dense(weight: weight, bias: bias, activation: activation)
    }

    /// The first dense layer after PyTorch's `permute(0, 3, 2, 1).flatten(1)`,
    /// rewritten to read the activation in its own NCHW order instead.
    ///
    /// PyTorch feeds feature `(w * H + h) * C + c` of the `[N, C, H, W]`
    /// activation to input column `(w * H + h) * C + c` of the weight. Flattening
    /// NCHW as it is puts that value at `(c * H + h) * W + w`, so moving each
    /// weight column there, `W'[o, (c*H + h)*W + w] = W[o, (w*H + h)*C + c]`,
    /// gives the same products without a permute per call.
    static func denseAfterPermutedFlatten(_ loader: WeightLoader, _ name: String, channels c: Int, height h: Int,
                                          width w: Int, outputs: Int, prelu: String) throws(NNError) -> Dense {
        var dense = try self.dense(loader, name, c * h * w, outputs, prelu: prelu)
        dense.weight = permuteColumnsToNCHW(dense.weight, channels: c, height: h, width: w)
        return dense
    }

    /// `W'[o, (c*H + h)*W + w] = W[o, (w*H + h)*C + c]` for `W` [out, C*H*W].
    static func permuteColumnsToNCHW(_ weight: Tensor, channels: Int, height: Int, width: Int) -> Tensor {
        moveColumns(weight, channels: channels, height: height, width: width, toNCHW: true)
    }

    /// The inverse of `permuteColumnsToNCHW`: back to PyTorch's W, H, C column order (for reference paths).
    static func unpermuteColumns(_ weight: Tensor, channels: Int, height: Int, width: Int) -> Tensor {
        moveColumns(weight, channels: channels, height: height, width: width, toNCHW: false)
    }

    /// Moves each column between its W, H, C position `(w*H + h)*C + c` and its NCHW
    /// position `(c*H + h)*W + w`, in the direction asked.
    private static func moveColumns(_ weight: Tensor, channels: Int, height: Int, width: Int, toNCHW: Bool) -> Tensor {
        let outputs = weight.shape[0], inputs = weight.shape[1]
        var moved = weight
        for o in 0..<outputs {
            for c in 0..<channels {
                for y in 0..<height {
                    for x in 0..<width {
                        let nchw = o * inputs + (c * height + y) * width + x
                        let whc = o * inputs + (x * height + y) * channels + c
                        if toNCHW { moved.data[nchw] = weight.data[whc] } else { moved.data[whc] = weight.data[nchw] }
                    }
                }
            }
        }
        return moved
    }

    /// PyTorch's `x.permute(0, 3, 2, 1).flatten(1)` of `[N, C, H, W]`: `[N, W*H*C]`, plainly, for reference paths.
    static func flattenWHC(_ x: Tensor) -> Tensor {
        let (n, c, h, w) = x.nchw
        var y = Tensor(shape: [n, c * h * w])
        for b in 0..<n {
            for ci in 0..<c {
                for yi in 0..<h {
                    for xi in 0..<w {
                        y.data[b * c * h * w + (xi * h + yi) * c + ci] = x.data[((b * c + ci) * h + yi) * w + xi]
                    }
                }
            }
        }
        return y
    }

    /// Column 1 of a softmax over `[N, 2]` logits: the face probability of each row.
    static func faceColumn(_ prob: Tensor) -> [Float] {
        (0..<prob.shape[0]).map { prob.data[$0 * 2 + 1] }
    }
}
