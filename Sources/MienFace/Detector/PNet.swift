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
public struct PNet: Sendable {
    let conv1: Conv2D
    let pool1 = MaxPool2D(kernel: (2, 2), stride: (2, 2), ceilMode: true)
    let conv2: Conv2D
    let conv3: Conv2D
    let conv4_1: Conv2D
    let conv4_2: Conv2D

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
        let features = conv3(conv2(pool1(conv1(x))))  // [N, 32, h, w]
        return (conv4_2(features), Softmax.apply(conv4_1(features)))
    }

    /// The same network through every layer's plain reference, for tests.
    public func reference(_ x: Tensor) -> (reg: Tensor, prob: Tensor) {
        let features = conv3.reference(conv2.reference(pool1.reference(conv1.reference(x))))
        return (conv4_2.reference(features), Softmax.reference(conv4_1.reference(features)))
    }
}
