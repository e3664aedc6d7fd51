import Foundation
import MienNN

extension ExpressionNet {
    /// The network's shape as `Models/training/export.py` writes it into the
    /// weight file's `architecture` metadata (the training config's `model` section).
    struct Architecture: Decodable, Equatable {
        /// `dense` (ResNet basic blocks) or `ds` (depthwise-separable blocks).
        var block: String
        var inputSize: Int
        var stem: Int
        var widths: [Int]
        var strides: [Int]
        var depths: [Int]
        var se: Bool
        var batchNormEpsilon: Float

        enum CodingKeys: String, CodingKey {
            case block, stem, widths, strides, depths, se
            case inputSize = "input_size"
            case batchNormEpsilon = "batch_norm_epsilon"
        }
    }

    /// Loads `expression_net.safetensors` from the model folder (`ModelDirectory`).
    /// - Throws: `ClassifierError.badWeights` when the folder or file cannot be found or read.
    public static func load() throws(ClassifierError) -> ExpressionNet {
        let path: String
        do { path = try ModelDirectory.path(weightFileName) } catch {
            throw ClassifierError(.badWeights, "expression-net: \(error)")
        }
        return try load(path: path)
    }

    /// Loads the network from `path`: the architecture and class order from the
    /// metadata, every tensor by its PyTorch name, none left over.
    /// - Throws: `ClassifierError.badWeights` naming the file and the cause (missing or
    ///   unreadable metadata, missing or mis-shaped tensor with both shapes, unused tensors).
    public static func load(path: String) throws(ClassifierError) -> ExpressionNet {
        do {
            let loader = try WeightLoader(path: path)
            let arch = try architecture(loader.file)
            let labels = try classes(loader.file)
            let eps = arch.batchNormEpsilon
            let separable = arch.block == "ds"
            let stem = ExpressionStem(
                conv: try convolution(loader, separable ? "stem.0" : "stem", 1, arch.stem, kernel: 3, stride: 1, relu: true, epsilon: eps),
                separable: separable ? (try depthwise(loader, "stem.1", arch.stem, stride: 1, epsilon: eps),
                                        try convolution(loader, "stem.2", arch.stem, arch.stem, kernel: 1, stride: 1, relu: true, epsilon: eps))
                    : nil)
            var blocks: [any ExpressionBlock] = []
            var channels = arch.stem
            for (width, (depth, stride)) in zip(arch.widths, zip(arch.depths, arch.strides)) {
                for i in 0..<depth {
                    let prefix = "blocks.\(blocks.count)", s = i == 0 ? stride : 1
                    let excite = arch.se ? try squeezeExcite(loader, prefix + ".se", channels: width) : nil
                    let shortcut = s == 1 && channels == width ? nil
                        : try convolution(loader, prefix + ".shortcut", channels, width, kernel: 1, stride: s, relu: false, epsilon: eps)
                    if separable {
                        // A pruned block is narrower between its pointwise convolutions: the width is the tensor's.
                        let inner = try outputChannels(loader, prefix + ".body.1.0.weight")
                        blocks.append(SeparableBlock(
                            depthwise1: try depthwise(loader, prefix + ".body.0", channels, stride: s, epsilon: eps),
                            pointwise1: try convolution(loader, prefix + ".body.1", channels, inner, kernel: 1, stride: 1, relu: true, epsilon: eps),
                            depthwise2: try depthwise(loader, prefix + ".body.2", inner, stride: 1, epsilon: eps),
                            pointwise2: try convolution(loader, prefix + ".body.3", inner, width, kernel: 1, stride: 1, relu: false, epsilon: eps),
                            excite: excite, shortcut: shortcut))
                    } else {
                        let inner = try outputChannels(loader, prefix + ".body.0.0.weight")
                        blocks.append(BasicBlock(
                            conv1: try convolution(loader, prefix + ".body.0", channels, inner, kernel: 3, stride: s, relu: true, epsilon: eps),
                            conv2: try convolution(loader, prefix + ".body.1", inner, width, kernel: 3, stride: 1, relu: false, epsilon: eps),
                            excite: excite, shortcut: shortcut))
                    }
                    channels = width
                }
            }
            let head = Dense(weight: try loader.tensor("fc.weight", shape: [labels.count, channels]),
                             bias: try loader.vector("fc.bias", count: labels.count))
            try loader.finish()
            let parameters = loader.file.entries.values.reduce(0) { $0 + $1.shape.reduce(1, *) }
            let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            return ExpressionNet(labels: labels, inputSize: arch.inputSize, stem: stem, blocks: blocks, head: head,
                                 flipAveraging: try flipAveraging(loader.file), parameterCount: parameters, weightFileBytes: bytes, weightFile: path)
        } catch {
            throw ClassifierError(.badWeights, "expression-net: \(error.message)")
        }
    }

    /// The `architecture` metadata, checked to be a shape this code builds.
    static func architecture(_ file: SafeTensorsFile) throws(NNError) -> Architecture {
        guard let json = file.metadata["architecture"] else {
            throw NNError(.unreadableFile, "\(file.path): metadata 'architecture' is missing (not an ExpressionNet export)")
        }
        let arch: Architecture
        do { arch = try JSONDecoder().decode(Architecture.self, from: Data(json.utf8)) } catch {
            throw NNError(.unreadableFile, "\(file.path): metadata 'architecture' is not readable: \(error)")
        }
        guard arch.block == "dense" || arch.block == "ds" else {
            throw NNError(.unreadableFile, "\(file.path): block '\(arch.block)' is not built by Mien (only 'dense' and 'ds')")
        }
        guard arch.inputSize > 0, arch.stem > 0, !arch.widths.isEmpty, arch.widths.count == arch.depths.count,
              arch.widths.count == arch.strides.count, (arch.widths + arch.depths + arch.strides).allSatisfy({ $0 > 0 }) else {
            throw NNError(.unreadableFile, "\(file.path): metadata 'architecture' has unusable sizes: \(json)")
        }
        return arch
    }

    /// The `flip_averaging` metadata: `true`, or `false` (also when absent).
    static func flipAveraging(_ file: SafeTensorsFile) throws(NNError) -> Bool {
        switch file.metadata["flip_averaging"] {
        case nil, "false": return false
        case "true": return true
        case let other?: throw NNError(.unreadableFile, "\(file.path): metadata 'flip_averaging' must be true or false, got '\(other)'")
        }
    }

    /// The output order from the `classes` metadata (comma-separated emotion names).
    static func classes(_ file: SafeTensorsFile) throws(NNError) -> [Emotion] {
        guard let list = file.metadata["classes"] else {
            throw NNError(.unreadableFile, "\(file.path): metadata 'classes' is missing")
        }
        let names = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let labels = names.compactMap { Emotion(rawValue: $0) }
        guard labels.count == names.count, Set(labels).count == Emotion.allCases.count, labels.count == Emotion.allCases.count else {
            throw NNError(.unreadableFile, "\(file.path): metadata 'classes' must name the 7 emotions once each, got '\(list)'")
        }
        return labels
    }

    /// PyTorch's `Sequential(Conv2d(bias=False), BatchNorm2d[, ReLU])` at `prefix`
    /// (`prefix.0.weight`, `prefix.1.*`), as one convolution with the batch norm
    /// folded in; 3x3 kernels pad 1 on each side.
    static func convolution(_ loader: WeightLoader, _ prefix: String, _ cin: Int, _ cout: Int, kernel: Int,
                            stride: Int, relu: Bool, epsilon: Float) throws(NNError) -> Conv2D {
        let conv = Conv2D(weight: try loader.tensor(prefix + ".0.weight", shape: [cout, cin, kernel, kernel]),
                          stride: (stride, stride), padding: .symmetric(kernel / 2), activation: relu ? .relu : nil)
        return try batchNorm(loader, prefix + ".1", cout, epsilon: epsilon).folded(into: conv)
    }

    /// PyTorch's `BatchNorm2d` at `prefix` (weight, bias, running mean and variance).
    static func batchNorm(_ loader: WeightLoader, _ bn: String, _ channels: Int, epsilon: Float) throws(NNError) -> BatchNorm {
        BatchNorm(gamma: try loader.vector(bn + ".weight", count: channels),
                  beta: try loader.vector(bn + ".bias", count: channels),
                  mean: try loader.vector(bn + ".running_mean", count: channels),
                  variance: try loader.vector(bn + ".running_var", count: channels),
                  epsilon: epsilon)
    }

    /// PyTorch's `Sequential(Conv2d(groups=channels, 3x3, pad 1, bias=False), BatchNorm2d)`
    /// at `prefix`, as one depthwise convolution with the batch norm folded in.
    static func depthwise(_ loader: WeightLoader, _ prefix: String, _ channels: Int, stride: Int,
                          epsilon: Float) throws(NNError) -> DepthwiseConv2D {
        let conv = DepthwiseConv2D(weight: try loader.tensor(prefix + ".0.weight", shape: [channels, 1, 3, 3]),
                                   stride: (stride, stride), padding: .symmetric(1))
        return try batchNorm(loader, prefix + ".1", channels, epsilon: epsilon).folded(into: conv)
    }

    /// The output channels of the 4-d tensor `name` (a pruned block's inner width).
    static func outputChannels(_ loader: WeightLoader, _ name: String) throws(NNError) -> Int {
        guard let entry = loader.file.entries[name], entry.shape.count == 4, entry.shape[0] > 0 else {
            throw NNError(.missingTensor, "\(loader.file.path): tensor '\(name)' is missing or not 4-d")
        }
        return entry.shape[0]
    }

    /// The squeeze-excitation at `prefix` (`fc1`, `fc2`: 1x1 convolutions with bias).
    static func squeezeExcite(_ loader: WeightLoader, _ prefix: String, channels: Int) throws(NNError) -> SqueezeExcite {
        guard let entry = loader.file.entries[prefix + ".fc1.weight"], entry.shape.count == 4 else {
            throw NNError(.missingTensor, "\(loader.file.path): tensor '\(prefix).fc1.weight' is missing")
        }
        let hidden = entry.shape[0]
        let reduce = try loader.tensor(prefix + ".fc1.weight", shape: [hidden, channels, 1, 1]).reshaped([hidden, channels])
        let expand = try loader.tensor(prefix + ".fc2.weight", shape: [channels, hidden, 1, 1]).reshaped([channels, hidden])
        return SqueezeExcite(reduce: Dense(weight: reduce, bias: try loader.vector(prefix + ".fc1.bias", count: hidden), activation: .relu),
                             expand: Dense(weight: expand, bias: try loader.vector(prefix + ".fc2.bias", count: channels), activation: .sigmoid))
    }
}
