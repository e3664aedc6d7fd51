import MienNN

/// MTCNN's refinement network (R-Net): scores and refines 24x24 candidate crops.
///
/// ```
/// [N,3,24,24] conv1 3->28 k3 + prelu1, max-pool 3/2 (ceil)  -> [N,28,11,11]
///             conv2 28->48 k3 + prelu2, max-pool 3/2 (ceil) -> [N,48,4,4]
///             conv3 48->64 k2 + prelu3                      -> [N,64,3,3]
///             flatten (576) -> dense4 576->128 + prelu4
///             dense5_1 128->2 -> softmax -> prob [N,2];  dense5_2 128->4 -> reg [N,4]
/// ```
/// PyTorch flattens in W, H, C order; `dense4` is stored with its columns
/// moved to NCHW order at load time (`MTCNNLayers.denseAfterPermutedFlatten`).
/// A whole batch of crops goes through each layer as one tensor, so each
/// convolution and dense layer is one matrix product per layer (or a few).
public struct RNet: Sendable {
    let conv1: Conv2D
    let pool1 = MaxPool2D(kernel: (3, 3), stride: (2, 2), ceilMode: true)
    let conv2: Conv2D
    let pool2 = MaxPool2D(kernel: (3, 3), stride: (2, 2), ceilMode: true)
    let conv3: Conv2D
    let dense4: Dense
    let dense5_1: Dense
    let dense5_2: Dense

    /// The weight file's name in the model folder.
    public static let fileName = "mtcnn_rnet.safetensors"
    /// Side of the square input.
    public static let inputSize = 24

    /// Loads the R-Net state dict at `path`.
    /// - Throws: `NNError` naming the file and the key when a tensor is missing, mis-shaped or left over.
    public init(path: String) throws(NNError) {
        let loader = try WeightLoader(path: path)
        conv1 = try MTCNNLayers.conv(loader, "conv1", 3, 28, kernel: 3, prelu: "prelu1")
        conv2 = try MTCNNLayers.conv(loader, "conv2", 28, 48, kernel: 3, prelu: "prelu2")
        conv3 = try MTCNNLayers.conv(loader, "conv3", 48, 64, kernel: 2, prelu: "prelu3")
        dense4 = try MTCNNLayers.denseAfterPermutedFlatten(loader, "dense4", channels: 64, height: 3, width: 3,
                                                           outputs: 128, prelu: "prelu4")
        dense5_1 = try MTCNNLayers.dense(loader, "dense5_1", 128, 2)
        dense5_2 = try MTCNNLayers.dense(loader, "dense5_2", 128, 4)
        try loader.finish()
    }

    /// Runs the network on normalised crops `[N, 3, 24, 24]`.
    /// - Returns: `reg [N, 4]` and `prob [N, 2]` (softmax; column 1 = face).
    public func callAsFunction(_ x: Tensor) -> (reg: Tensor, prob: Tensor) {
        precondition(x.rank == 4 && Array(x.shape.dropFirst()) == [3, 24, 24], "R-Net takes [N, 3, 24, 24], got \(x.shape)")
        guard x.shape[0] > 0 else { return (Tensor(shape: [0, 4]), Tensor(shape: [0, 2])) }
        let features = conv3(pool2(conv2(pool1(conv1(x)))))  // [N, 64, 3, 3]
        let hidden = dense4(features.reshaped([x.shape[0], 576]))  // [N, 576] x [128, 576]^T -> [N, 128]
        return (dense5_2(hidden), Softmax.apply(dense5_1(hidden)))
    }

    /// The same network through every layer's plain reference, with PyTorch's
    /// W, H, C flatten done explicitly against the original `dense4` columns, for tests.
    public func reference(_ x: Tensor) -> (reg: Tensor, prob: Tensor) {
        let features = conv3.reference(pool2.reference(conv2.reference(pool1.reference(conv1.reference(x)))))
        var original = dense4
        original.weight = MTCNNLayers.unpermuteColumns(dense4.weight, channels: 64, height: 3, width: 3)
        let hidden = original.reference(MTCNNLayers.flattenWHC(features))
        return (dense5_2.reference(hidden), Softmax.reference(dense5_1.reference(hidden)))
    }
}
