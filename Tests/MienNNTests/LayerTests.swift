import Testing

@testable import MienNN

@Suite("Pooling, dense, softmax, activations, batch norm, squeeze-excitation")
struct LayerTests {
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
        #expect(pool(x) == pool.reference(x))
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
            #expect(pool(x) == pool.reference(x))
        }
    }

    @Test(arguments: [(8, 8, 2, 2), (7, 9, 3, 2), (5, 5, 5, 1)])
    func avgPool(h: Int, w: Int, k: Int, s: Int) {
        var data = TestData(seed: 3)
        let pool = AvgPool2D(kernel: (k, k), stride: (s, s), padding: .symmetric(1))
        let x = data.tensor([2, 3, h, w])
        let (ok, message) = expectClose(pool(x), pool.reference(x), terms: k * k)
        #expect(ok, "\(message)")
    }

    @Test func globalAvgPool() {
        var data = TestData(seed: 4)
        let x = data.tensor([3, 5, 7, 9])
        let (ok, message) = expectClose(GlobalAvgPool.apply(x), GlobalAvgPool.reference(x), terms: 63)
        #expect(ok, "\(message)")
    }

    @Test(arguments: [(1, 576, 128), (64, 1152, 256), (7, 3, 5)])
    func dense(n: Int, inputs: Int, outputs: Int) {
        var data = TestData(seed: UInt64(inputs))
        let layer = Dense(weight: data.tensor([outputs, inputs]), bias: data.vector(outputs), activation: .prelu(data.vector(outputs)))
        let x = data.tensor([n, inputs])
        let (ok, message) = expectClose(layer(x), layer.reference(x), terms: inputs)
        #expect(ok, "\(message)")
    }

    @Test func softmax() {
        var data = TestData(seed: 5)
        for shape in [[4, 7], [2, 2, 5, 6]] {
            let x = data.tensor(shape)
            let y = Softmax.apply(x)
            #expect(y.maxAbsDifference(Softmax.reference(x)) < 1e-6)
        }
        let big = Softmax.apply(Tensor(shape: [1, 3], data: [1000, 1000, -1000]))  // no overflow
        #expect(abs(big.data[0] - 0.5) < 1e-6 && big.data[2] == 0)
    }

    @Test func elementwise() {
        var data = TestData(seed: 6)
        let x = Tensor(shape: [2, 3, 4, 5], data: data.tensor([2, 3, 4, 5]).data.map { $0 * 5 })
        #expect(Activation.relu(x) == ReLU.reference(x))
        #expect(Activation.hardSwish(x).maxAbsDifference(HardSwish.reference(x)) < 1e-6)
        #expect(Activation.hardSigmoid(x).maxAbsDifference(HardSigmoid.reference(x)) < 1e-6)
        #expect(Activation.sigmoid(x).maxAbsDifference(Sigmoid.reference(x)) < 1e-6)
        let slopes: [Float] = [0.1, 0.2, 0.3]
        #expect(Activation.prelu(slopes)(x) == PReLU.reference(x, slopes: slopes))
        let y = data.tensor([2, 3, 4, 5])
        #expect(Add.apply(x, y) == Add.reference(x, y))
    }

    @Test func batchNormFoldsIntoConvolutions() {
        var data = TestData(seed: 7)
        let bn = BatchNorm(gamma: data.vector(4), beta: data.vector(4), mean: data.vector(4),
                           variance: data.vector(4).map { abs($0) + 0.1 }, epsilon: 1e-3)
        let x = data.tensor([2, 3, 9, 9])
        let conv = Conv2D(weight: data.tensor([4, 3, 3, 3]), padding: .symmetric(1))
        #expect(bn.folded(into: conv)(x).maxAbsDifference(bn.reference(conv.reference(x))) < 1e-4)
        let withBias = Conv2D(weight: data.tensor([4, 3, 1, 1]), bias: data.vector(4))
        #expect(bn.folded(into: withBias)(x).maxAbsDifference(bn.reference(withBias.reference(x))) < 1e-4)
        let depthwise = DepthwiseConv2D(weight: data.tensor([4, 1, 3, 3]), padding: .symmetric(1))
        let x4 = data.tensor([2, 4, 7, 7])
        #expect(bn.folded(into: depthwise)(x4).maxAbsDifference(bn.reference(depthwise.reference(x4))) < 1e-4)
    }

    @Test func squeezeExcitation() {
        var data = TestData(seed: 8)
        let block = SqueezeExcitation(reduce: Dense(weight: data.tensor([4, 16]), bias: data.vector(4)),
                                      expand: Dense(weight: data.tensor([16, 4]), bias: data.vector(16)))
        let x = data.tensor([3, 16, 5, 5])
        let (ok, message) = expectClose(block(x), block.reference(x), terms: 16)
        #expect(ok, "\(message)")
    }
}
