import MienTestSupport
import Testing

@testable import MienNN

@Suite("Pooling, dense, softmax, activations, batch norm, squeeze-excitation")
struct LayerTests {
    // Tolerances: about 10x the largest error measured (see TestData.swift).
    /// Average pools: measured 6.0e-8.
    static let averageTolerance: Float = 6e-7
    /// Global average pooling: measured 2.2e-8.
    static let globalAverageTolerance: Float = 3e-7
    /// Dense layers, per square root of the inputs: measured 1.9e-6 (6.5e-5 over 1,152 inputs).
    static let densePerRootTerm: Float = 2e-5
    /// Softmax: measured 6.0e-8.
    static let softmaxTolerance: Float = 6e-7
    /// Hard-swish: measured 4.8e-7 (inputs up to 5).
    static let hardSwishTolerance: Float = 5e-6
    /// Hard-sigmoid and sigmoid: measured 6.0e-8.
    static let sigmoidTolerance: Float = 6e-7
    /// Batch norm folded into a 3x3 convolution: measured 1.9e-6; into a 1x1 or depthwise one: 9.5e-7.
    static let foldedConvTolerance: Float = 2e-5
    static let foldedTolerance: Float = 1e-5
    /// Squeeze-excitation: measured 6.0e-8 (0 with OpenBLAS's SkylakeX kernels).
    static let squeezeExcitationTolerance: Float = 6e-7

    @Test(arguments: [
        (22, 22, 3, 2, true), (23, 23, 3, 2, true), (5, 7, 2, 2, true), (46, 46, 3, 2, true), (10, 10, 2, 2, false),
        (9, 9, 3, 2, false), (4, 4, 3, 3, true),
        // 3x3/2 rows wide enough for one or more 8-output vector blocks, with and without a clipped last window.
        (5, 17, 3, 2, true), (5, 18, 3, 2, true), (7, 37, 2, 2, true), (6, 32, 2, 2, false), (3, 19, 3, 2, false), (6, 61, 3, 2, true), (4, 40, 3, 2, true),
    ])
    func maxPool(h: Int, w: Int, k: Int, s: Int, ceil: Bool) {
        var data = TestData(seed: UInt64(h * w))
        let pool = MaxPool2D(kernel: (k, k), stride: (s, s), ceilMode: ceil)
        let x = data.tensor([2, 3, h, w])
        expectIdentical(pool(x), pool.reference(x), "max pool \(h)x\(w) k\(k) s\(s) ceil \(ceil)")
    }

    @Test func maxPoolSizesMatchPyTorchCeilMode() {
        // MTCNN: 22 -> 11 (R-Net pool1, 3/2), 9 -> 4 (pool2), 4 -> 2 (O-Net pool3, 2/2); PyTorch's sizes.
        let p = MaxPool2D(kernel: (3, 3), stride: (2, 2), ceilMode: true)
        #expect(p.outputSize(height: 22, width: 22) == (11, 11))
        #expect(p.outputSize(height: 9, width: 9) == (4, 4))
        #expect(p.outputSize(height: 21, width: 21) == (10, 10))
        #expect(MaxPool2D(kernel: (2, 2), ceilMode: true).outputSize(height: 5, width: 5) == (3, 3))
        #expect(MaxPool2D(kernel: (2, 2), ceilMode: false).outputSize(height: 5, width: 5) == (2, 2))
    }

    @Test func maxPoolTensorFlowSame() {
        // mini-Xception: 3x3/2 "same" pools 60 -> 30, 15 -> 8.
        for (size, out) in [(60, 30), (30, 15), (15, 8), (8, 4)] {
            let pad = Padding2D.same(height: size, width: size, kernel: (3, 3), stride: (2, 2))
            let pool = MaxPool2D(kernel: (3, 3), stride: (2, 2), padding: pad)
            #expect(pool.outputSize(height: size, width: size) == (out, out))
            var data = TestData(seed: UInt64(size))
            let x = data.tensor([1, 2, size, size])
            expectIdentical(pool(x), pool.reference(x), "max pool 'same' \(size)")
        }
    }

    @Test(arguments: [(8, 8, 2, 2), (7, 9, 3, 2), (5, 5, 5, 1)])
    func avgPool(h: Int, w: Int, k: Int, s: Int) {
        var data = TestData(seed: 3)
        let pool = AvgPool2D(kernel: (k, k), stride: (s, s), padding: .symmetric(1))
        let x = data.tensor([2, 3, h, w])
        expectClose(pool(x), pool.reference(x), within: Self.averageTolerance, "average pool \(h)x\(w) k\(k) s\(s)")
    }

    @Test func globalAvgPool() {
        var data = TestData(seed: 4)
        let x = data.tensor([3, 5, 7, 9])
        expectClose(GlobalAvgPool.apply(x), GlobalAvgPool.reference(x), within: Self.globalAverageTolerance, "global average pool")
    }

    @Test(arguments: [(1, 576, 128), (64, 1152, 256), (7, 3, 5)])
    func dense(n: Int, inputs: Int, outputs: Int) {
        var data = TestData(seed: UInt64(inputs))
        let layer = Dense(weight: data.tensor([outputs, inputs]), bias: data.vector(outputs), activation: .prelu(data.vector(outputs)))
        let x = data.tensor([n, inputs])
        expectClose(layer(x), layer.reference(x), terms: inputs, perRootTerm: Self.densePerRootTerm, "dense \(n)x\(inputs) -> \(outputs)")
    }

    @Test func softmax() {
        var data = TestData(seed: 5)
        for shape in [[4, 7], [2, 2, 5, 6]] {
            let x = data.tensor(shape)
            let y = Softmax.apply(x)
            expectClose(y, Softmax.reference(x), within: Self.softmaxTolerance, "softmax \(shape)")
        }
        let big = Softmax.apply(Tensor(shape: [1, 3], data: [1000, 1000, -1000]))  // no overflow
        #expect(big.data == [0.5, 0.5, 0], "softmax of [1000, 1000, -1000]: \(big.data)")
    }

    @Test func elementwise() {
        var data = TestData(seed: 6)
        let x = Tensor(shape: [2, 3, 4, 5], data: data.tensor([2, 3, 4, 5]).data.map { $0 * 5 })
        expectIdentical(Activation.relu(x), ReLU.reference(x), "ReLU")
        expectClose(Activation.hardSwish(x), HardSwish.reference(x), within: Self.hardSwishTolerance, "hard-swish")
        expectClose(Activation.hardSigmoid(x), HardSigmoid.reference(x), within: Self.sigmoidTolerance, "hard-sigmoid")
        expectClose(Activation.sigmoid(x), Sigmoid.reference(x), within: Self.sigmoidTolerance, "sigmoid")
        let slopes: [Float] = [0.1, 0.2, 0.3]
        expectIdentical(Activation.prelu(slopes)(x), PReLU.reference(x, slopes: slopes), "PReLU")
        let y = data.tensor([2, 3, 4, 5])
        expectIdentical(Add.apply(x, y), Add.reference(x, y), "add")
    }

    @Test func batchNormFoldsIntoConvolutions() {
        var data = TestData(seed: 7)
        let bn = BatchNorm(gamma: data.vector(4), beta: data.vector(4), mean: data.vector(4),
                           variance: data.vector(4).map { abs($0) + 0.1 }, epsilon: 1e-3)
        let x = data.tensor([2, 3, 9, 9])
        let conv = Conv2D(weight: data.tensor([4, 3, 3, 3]), padding: .symmetric(1))
        expectClose(bn.folded(into: conv)(x), bn.reference(conv.reference(x)), within: Self.foldedConvTolerance, "batch norm into a 3x3 convolution")
        let withBias = Conv2D(weight: data.tensor([4, 3, 1, 1]), bias: data.vector(4))
        expectClose(bn.folded(into: withBias)(x), bn.reference(withBias.reference(x)), within: Self.foldedTolerance,
                    "batch norm into a 1x1 convolution with bias")
        let depthwise = DepthwiseConv2D(weight: data.tensor([4, 1, 3, 3]), padding: .symmetric(1))
        let x4 = data.tensor([2, 4, 7, 7])
        expectClose(bn.folded(into: depthwise)(x4), bn.reference(depthwise.reference(x4)), within: Self.foldedTolerance,
                    "batch norm into a depthwise convolution")
    }

    @Test func squeezeExcitation() {
        var data = TestData(seed: 8)
        let block = SqueezeExcitation(reduce: Dense(weight: data.tensor([4, 16]), bias: data.vector(4)),
                                      expand: Dense(weight: data.tensor([16, 4]), bias: data.vector(16)))
        let x = data.tensor([3, 16, 5, 5])
        expectClose(block(x), block.reference(x), within: Self.squeezeExcitationTolerance, "squeeze-excitation")
    }
}
