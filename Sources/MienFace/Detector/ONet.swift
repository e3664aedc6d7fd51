import MienNN

/// MTCNN's output network (O-Net): final score, box refinement and five
/// landmarks for 48x48 candidate crops.
///
/// ```
/// [N,3,48,48] conv1 3->32 k3 + prelu1, max-pool 3/2 (ceil)  -> [N,32,23,23]
///             conv2 32->64 k3 + prelu2, max-pool 3/2 (ceil) -> [N,64,10,10]
///             conv3 64->64 k3 + prelu3, max-pool 2/2 (ceil) -> [N,64,4,4]
///             conv4 64->128 k2 + prelu4                     -> [N,128,3,3]
///             flatten (1152) -> dense5 1152->256 + prelu5
///             dense6_1 256->2 -> softmax -> prob [N,2]
///             dense6_2 256->4 -> reg [N,4];  dense6_3 256->10 -> landmarks [N,10]
/// ```
/// PyTorch flattens in W, H, C order; `dense5` is stored with its columns
/// moved to NCHW order at load time. Landmarks are `[x1..x5, y1..y5]`, relative to the box.
public struct ONet: Sendable {
    let conv1: Conv2D
    let pool1 = MaxPool2D(kernel: (3, 3), stride: (2, 2), ceilMode: true)
    let conv2: Conv2D
    let pool2 = MaxPool2D(kernel: (3, 3), stride: (2, 2), ceilMode: true)
    let conv3: Conv2D
    let pool3 = MaxPool2D(kernel: (2, 2), stride: (2, 2), ceilMode: true)
    let conv4: Conv2D
    let dense5: Dense
    let dense6_1: Dense
    let dense6_2: Dense
    let dense6_3: Dense

    /// The weight file's name in the model folder.
    public static let fileName = "mtcnn_onet.safetensors"
    /// Side of the square input.
    public static let inputSize = 48

    /// Loads the O-Net state dict at `path`.
    /// - Throws: `NNError` naming the file and the key when a tensor is missing, mis-shaped or left over.
    public init(path: String) throws(NNError) {
        let loader = try WeightLoader(path: path)
        conv1 = try MTCNNLayers.conv(loader, "conv1", 3, 32, kernel: 3, prelu: "prelu1")
        conv2 = try MTCNNLayers.conv(loader, "conv2", 32, 64, kernel: 3, prelu: "prelu2")
        conv3 = try MTCNNLayers.conv(loader, "conv3", 64, 64, kernel: 3, prelu: "prelu3")
        conv4 = try MTCNNLayers.conv(loader, "conv4", 64, 128, kernel: 2, prelu: "prelu4")
        dense5 = try MTCNNLayers.denseAfterPermutedFlatten(loader, "dense5", channels: 128, height: 3, width: 3,
                                                           outputs: 256, prelu: "prelu5")
        dense6_1 = try MTCNNLayers.dense(loader, "dense6_1", 256, 2)
        dense6_2 = try MTCNNLayers.dense(loader, "dense6_2", 256, 4)
        dense6_3 = try MTCNNLayers.dense(loader, "dense6_3", 256, 10)
        try loader.finish()
    }

    /// Runs the network on normalised crops `[N, 3, 48, 48]`.
    /// - Returns: `reg [N, 4]`, `landmarks [N, 10]` and `prob [N, 2]` (softmax; column 1 = face).
    public func callAsFunction(_ x: Tensor) -> (reg: Tensor, landmarks: Tensor, prob: Tensor) {
        precondition(x.rank == 4 && Array(x.shape.dropFirst()) == [3, 48, 48], "O-Net takes [N, 3, 48, 48], got \(x.shape)")
        guard x.shape[0] > 0 else { return (Tensor(shape: [0, 4]), Tensor(shape: [0, 10]), Tensor(shape: [0, 2])) }
        let features = conv4(pool3(conv3(pool2(conv2(pool1(conv1(x)))))))  // [N, 128, 3, 3]
        let hidden = dense5(features.reshaped([x.shape[0], 1152]))  // [N, 1152] x [256, 1152]^T -> [N, 256]
        return (dense6_2(hidden), dense6_3(hidden), Softmax.apply(dense6_1(hidden)))
    }

    /// The same network through every layer's plain reference, with PyTorch's
    /// W, H, C flatten done explicitly against the original `dense5` columns, for tests.
    public func reference(_ x: Tensor) -> (reg: Tensor, landmarks: Tensor, prob: Tensor) {
        let features = conv4.reference(pool3.reference(conv3.reference(pool2.reference(
            conv2.reference(pool1.reference(conv1.reference(x)))))))
        var original = dense5
        original.weight = MTCNNLayers.unpermuteColumns(dense5.weight, channels: 128, height: 3, width: 3)
        let hidden = original.reference(MTCNNLayers.flattenWHC(features))
        return (dense6_2.reference(hidden), dense6_3.reference(hidden), Softmax.reference(dense6_1.reference(hidden)))
    }
}
