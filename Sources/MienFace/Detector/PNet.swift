import Foundation
import MienNN

/// MTCNN's proposal network (P-Net), fully convolutional: on an image of any
/// size of at least 12x12 it scores every 12x12 window at stride 2.
///
/// ```
/// [N,3,H,W] conv1 3->10 k3 + prelu1, max-pool 2/2 (ceil)
///           conv2 10->16 k3 + prelu2, conv3 16->32 k3 + prelu3
///           conv4_1 32->2 k1 -> softmax over channels   -> prob [N,2,h,w]
///           conv4_2 32->4 k1                            -> reg  [N,4,h,w]
/// ```
/// with `h = ceil((H - 2) / 2) - 4`, `w = ceil((W - 2) / 2) - 4`.
///
/// The fast path runs the two heads as one 32->6 convolution and the two-way
/// softmax with one `expf` per cell (same values as `Softmax.apply`).
public struct PNet: Sendable {
    let conv1: Conv2D
    let pool1 = MaxPool2D(kernel: (2, 2), stride: (2, 2), ceilMode: true)
    let conv2: Conv2D
    let conv3: Conv2D
    let conv4_1: Conv2D
    let conv4_2: Conv2D
    /// conv4_1 and conv4_2 as one convolution: channels 0-1 the face logits, 2-5 the offsets.
    let heads: Conv2D

    /// The weight file's name in the model folder.
    public static let fileName = "mtcnn_pnet.safetensors"

    /// Loads the P-Net state dict at `path` (facenet-pytorch names: `conv1.weight`, `prelu1.weight`, ...).
    /// - Throws: `NNError` naming the file and the key when a tensor is missing, mis-shaped or left over.
    public init(path: String) throws(NNError) {
        let loader = try WeightLoader(path: path)
        conv1 = try MTCNNLayers.conv(loader, "conv1", 3, 10, kernel: 3, prelu: "prelu1")
        conv2 = try MTCNNLayers.conv(loader, "conv2", 10, 16, kernel: 3, prelu: "prelu2")
        conv3 = try MTCNNLayers.conv(loader, "conv3", 16, 32, kernel: 3, prelu: "prelu3")
        conv4_1 = try MTCNNLayers.conv(loader, "conv4_1", 32, 2, kernel: 1)
        conv4_2 = try MTCNNLayers.conv(loader, "conv4_2", 32, 4, kernel: 1)
        try loader.finish()
        heads = Conv2D(weight: Tensor(shape: [6, 32, 1, 1], data: conv4_1.weight.data + conv4_2.weight.data),
                       bias: (conv4_1.bias ?? [0, 0]) + (conv4_2.bias ?? [0, 0, 0, 0]))
    }

    /// The size of the score map for an `height` x `width` input.
    public static func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        // conv 3: n - 2; pool 2/2 ceil: ceil((m - 2) / 2) + 1 = (n - 3) / 2 + 1; two convs 3: -4
        func side(_ n: Int) -> Int { (n - 3) / 2 + 1 - 4 }
        return (side(height), side(width))
    }

    /// The input rows that produce output rows `rows` of an input `height` rows
    /// high, so that a level can be run in bands with the same results:
    /// `2 * a ..< 2 * b + 10` (rows of the 12-row windows at stride 2), to the
    /// bottom of the input for the last band (where the ceil-mode pool clips).
    /// Bands start at even rows, so the pool grid is the whole image's.
    public static func inputRows(forOutputRows rows: Range<Int>, height: Int) -> Range<Int> {
        let last = rows.upperBound >= outputSize(height: height, width: 12).height
        return (2 * rows.lowerBound) ..< (last ? height : 2 * rows.upperBound + 10)
    }

    /// Runs the network on normalised input `[N, 3, H, W]`, H and W at least 12.
    /// - Returns: `reg [N, 4, h, w]` (box offsets) and `prob [N, 2, h, w]` (softmax; channel 1 = face).
    public func callAsFunction(_ x: Tensor) -> (reg: Tensor, prob: Tensor) {
        let (_, c, h, w) = x.nchw
        precondition(c == 3 && h >= 12 && w >= 12, "P-Net takes [N, 3, H >= 12, W >= 12], got \(x.shape)")
        return Self.split(heads(conv3(conv2(pool1(conv1(x))))))
    }

    /// The six head channels `[N, 6, h, w]` as `reg` (channels 2-5) and the
    /// softmax of channels 0-1, computed as `Softmax.apply` does (the larger
    /// logit's exponential is exactly 1), with one `expf` per cell.
    static func split(_ heads: Tensor) -> (reg: Tensor, prob: Tensor) {
        let (n, _, h, w) = heads.nchw
        let plane = h * w
        var reg = Tensor(shape: [n, 4, h, w]), prob = Tensor(shape: [n, 2, h, w])
        heads.data.withUnsafeBufferPointer { src in
            reg.data.withUnsafeMutableBufferPointer { r in
                prob.data.withUnsafeMutableBufferPointer { p in
                    for b in 0..<n {
                        let logits = src.baseAddress! + b * 6 * plane, out = p.baseAddress! + b * 2 * plane
                        (r.baseAddress! + b * 4 * plane).update(from: logits + 2 * plane, count: 4 * plane)
                        for i in 0..<plane {
                            let x0 = logits[i], x1 = logits[plane + i]
                            if x1 >= x0 {
                                let e = expf(x0 - x1), sum = 1 + e
                                (out[i], out[plane + i]) = (e / sum, 1 / sum)
                            } else {
                                let e = expf(x1 - x0), sum = 1 + e
                                (out[i], out[plane + i]) = (1 / sum, e / sum)
                            }
                        }
                    }
                }
            }
        }
        return (reg, prob)
    }

    /// The same network through every layer's plain reference, for tests.
    public func reference(_ x: Tensor) -> (reg: Tensor, prob: Tensor) {
        let features = conv3.reference(conv2.reference(pool1.reference(conv1.reference(x))))
        return (conv4_2.reference(features), Softmax.reference(conv4_1.reference(features)))
    }
}
