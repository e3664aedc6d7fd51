import Foundation
import MienNN

extension MiniXception {
    /// Batch-norm epsilon of every BatchNormalization layer in the Keras model.
    static let batchNormEpsilon: Float = 0.001

    /// Loads `mini_xception.safetensors` from the model folder (`ModelDirectory`).
    /// - Throws: `ClassifierError.badWeights` when the folder or file cannot be found or read.
    public static func load() throws(ClassifierError) -> MiniXception {
        let path: String
        do { path = try ModelDirectory.path(weightFileName) } catch {
            throw ClassifierError(.badWeights, "mini-xception: \(error)")
        }
        return try load(path: path)
    }

    /// Loads the network from `path`, reading every tensor by its Keras name and
    /// requiring that none is left over.
    /// - Throws: `ClassifierError.badWeights` naming the file and the cause (missing or
    ///   mis-shaped tensor with both shapes, unused tensors, unreadable file).
    public static func load(path: String) throws(ClassifierError) -> MiniXception {
        do {
            let loader = try WeightLoader(path: path)
            let conv1 = try convolution(loader, "conv2d_1", [3, 3, 1, 8], bn: "batch_normalization_1", relu: true)
            let conv2 = ShiftedRowsConv3x3(try convolution(loader, "conv2d_2", [3, 3, 8, 8], bn: "batch_normalization_2", relu: true))
            var modules: [ResidualModule] = []
            var channels = 8
            for k in 1...4 {
                let filters = 8 << k  // 16, 32, 64, 128
                // Keras numbered the layers in creation order: module k holds separable
                // convolutions 2k-1 and 2k with batch norms 3k+1 and 3k+2, and the
                // shortcut conv2d_(k+2) with batch norm 3k.
                modules.append(ResidualModule(
                    depthwise1: try depthwise(loader, "separable_conv2d_\(2 * k - 1)", channels: channels),
                    pointwise1: try pointwise(loader, "separable_conv2d_\(2 * k - 1)", channels, filters,
                                              bn: "batch_normalization_\(3 * k + 1)", relu: true),
                    depthwise2: try depthwise(loader, "separable_conv2d_\(2 * k)", channels: filters),
                    pointwise2: try pointwise(loader, "separable_conv2d_\(2 * k)", filters, filters,
                                              bn: "batch_normalization_\(3 * k + 2)", relu: false),
                    skip: try convolution(loader, "conv2d_\(k + 2)", [1, 1, channels, filters], bn: "batch_normalization_\(3 * k)",
                                          relu: false, stride: 2)))
                channels = filters
            }
            let head = PooledHead(Conv2D(weight: KerasLayout.convolution(try loader.tensor("conv2d_7/kernel", shape: [3, 3, 128, 7])),
                              bias: try loader.vector("conv2d_7/bias", count: 7), padding: .symmetric(1)))
            try loader.finish()
            let parameters = loader.file.entries.values.reduce(0) { $0 + $1.shape.reduce(1, *) }
            let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            return MiniXception(conv1: conv1, conv2: conv2, modules: modules, head: head,
                                parameterCount: parameters, weightFileBytes: bytes, weightFile: path)
        } catch {
            throw ClassifierError(.badWeights, "mini-xception: \(error.message)")
        }
    }

    /// The batch norm `name` (gamma, beta, moving mean and variance of `channels` values).
    static func batchNorm(_ loader: WeightLoader, _ name: String, channels: Int) throws(NNError) -> BatchNorm {
        BatchNorm(gamma: try loader.vector(name + "/gamma", count: channels),
                  beta: try loader.vector(name + "/beta", count: channels),
                  mean: try loader.vector(name + "/moving_mean", count: channels),
                  variance: try loader.vector(name + "/moving_variance", count: channels),
                  epsilon: batchNormEpsilon)
    }

    /// Conv2D `name` (Keras kernel `shape` [kh, kw, in, out], no bias) with batch norm `bn` folded in.
    /// 3x3 kernels here are "valid"; 1x1 stride-2 shortcuts are "same", which never pads for them.
    static func convolution(_ loader: WeightLoader, _ name: String, _ shape: [Int], bn: String, relu: Bool,
                            stride: Int = 1) throws(NNError) -> Conv2D {
        let conv = Conv2D(weight: KerasLayout.convolution(try loader.tensor(name + "/kernel", shape: shape)),
                          stride: (stride, stride), activation: relu ? .relu : nil)
        return try batchNorm(loader, bn, channels: shape[3]).folded(into: conv)
    }

    /// The depthwise half of separable convolution `name`: 3x3, "same" (1 on each side at stride 1), no bias.
    static func depthwise(_ loader: WeightLoader, _ name: String, channels: Int) throws(NNError) -> Depthwise3x3 {
        Depthwise3x3(DepthwiseConv2D(weight: KerasLayout.depthwise(try loader.tensor(name + "/depthwise_kernel", shape: [3, 3, channels, 1])),
                        padding: .symmetric(1)))
    }

    /// The pointwise half of separable convolution `name` as a 1x1 Conv2D, with the
    /// batch norm `bn` that follows the separable convolution folded into it.
    static func pointwise(_ loader: WeightLoader, _ name: String, _ cin: Int, _ cout: Int, bn: String,
                          relu: Bool) throws(NNError) -> Conv2D {
        let conv = Conv2D(weight: KerasLayout.convolution(try loader.tensor(name + "/pointwise_kernel", shape: [1, 1, cin, cout])),
                          activation: relu ? .relu : nil)
        return try batchNorm(loader, bn, channels: cout).folded(into: conv)
    }
}
