import MienTestSupport
import Testing

@testable import MienNN

@Suite("Row bands give the whole-image result")
struct RowBandsTests {
    /// YuNet's first stage in small: 3x3/2 convolution, pointwise, depthwise 3x3 with ReLU, 2x2 max pool.
    static func chain(_ data: inout TestData) -> (Tensor) -> Tensor {
        let conv = Conv2D(weight: data.tensor([4, 3, 3, 3]), bias: data.tensor([4]).data, stride: (2, 2), padding: .symmetric(1), activation: .relu)
        let pw = Conv2D(weight: data.tensor([6, 4, 1, 1]), bias: data.tensor([6]).data)
        let dw = DepthwiseConv2D(weight: data.tensor([6, 1, 3, 3]), bias: data.tensor([6]).data, padding: .symmetric(1), activation: .relu)
        let pool = MaxPool2D(kernel: (2, 2), stride: (2, 2))
        return { pool(dw(pw(conv($0)))) }
    }

    @Test(arguments: [(64, 40, 1), (64, 40, 3), (96, 24, 5), (32, 8, 2), (128, 16, 100)])
    func bandedChainEqualsTheWholeImage(height: Int, width: Int, band: Int) {
        var data = TestData(seed: UInt64(height + band))
        let chain = Self.chain(&data)
        let x = data.tensor([1, 3, height, width])
        let whole = chain(x)
        let banded = RowBands(stride: 4, halo: 1, bandRows: band).run(x, chain)
        // Exact: measured 0 everywhere (see TestData.swift).
        expectIdentical(banded, whole, "\(height)x\(width) in bands of \(band)")
    }

    @Test func tooSmallAHaloShowsAtTheCuts() {
        // Two depthwise layers after the pool spoil two output rows at a cut: halo 1 is not enough.
        var data = TestData(seed: 3)
        let first = Self.chain(&data)
        let dw = DepthwiseConv2D(weight: data.tensor([6, 1, 3, 3]), padding: .symmetric(1))
        let chain: (Tensor) -> Tensor = { dw(dw(first($0))) }
        let x = data.tensor([1, 3, 64, 16])
        let whole = chain(x)
        #expect(RowBands(stride: 4, halo: 1, bandRows: 4).run(x, chain).maxAbsDifference(whole) > 1e-3)
        expectIdentical(RowBands(stride: 4, halo: 3, bandRows: 4).run(x, chain), whole, "halo 3")
    }

    @Test func rowsCopiesEveryPlane() {
        let x = Tensor(shape: [1, 2, 3, 2], data: (0..<12).map(Float.init))
        #expect(RowBands.rows(x, 1..<3).data == [2, 3, 4, 5, 8, 9, 10, 11])
    }
}
