import Testing

@testable import MienNN

/// `RowStream` against the same layers run whole, one after another, on each
/// kernel path: the same bits, for packed and planar pixels, with padding
/// rows and columns, and rings that wrap many times.
@Suite("Row stream: the first layers streamed give the bits of the layers run whole")
struct RowStreamTests {
    /// stem 3->8, unit 8->8, pool, unit 8->12, unit 12->4 (no ReLU), pool.
    static func network(_ data: inout TestData) -> (stem: Conv2D, units: [SeparableKernel], stream: RowStream) {
        let stem = Conv2D(weight: data.tensor([8, 3, 3, 3]), bias: data.vector(8), stride: (2, 2), padding: .symmetric(1), activation: .relu)
        func unit(_ cin: Int, _ cout: Int, relu: Bool) -> SeparableKernel {
            SeparableKernel(pointwise: PointwiseConv(weight: data.tensor([cout, cin]), bias: data.vector(cout)),
                            depthwise: DepthwiseConv2D(weight: data.tensor([cout, 1, 3, 3]), bias: data.vector(cout),
                                                       padding: .symmetric(1), activation: relu ? .relu : nil))
        }
        let units = [unit(8, 8, relu: true), unit(8, 12, relu: true), unit(12, 4, relu: false)]
        let stream = RowStream(stem: PointwiseConv(unfolding: stem), layers: [
            .separable(units[0]), .maxPool2(channels: 8), .separable(units[1]), .separable(units[2]), .maxPool2(channels: 4),
        ])
        return (stem, units, stream)
    }

    @Test(arguments: [(37, 21, 40, 24), (64, 32, 64, 32), (5, 3, 8, 8), (70, 9, 72, 16)])
    func streamEqualsTheLayers(width: Int, height: Int, paddedWidth: Int, paddedHeight: Int) {
        var data = TestData(seed: UInt64(width * 100 + height))
        let (stem, units, stream) = Self.network(&data)
        #expect(stream.outChannels == 4 && stream.halvings == 3)
        let pixels = (0..<(width * height * 3)).map { _ in UInt8((data.next() + 1) * 127.5) }
        let pool = MaxPool2D(kernel: (2, 2), stride: (2, 2))
        for planar in [false, true] {
            // The float input the layers take: channel planes, zero padding at the bottom and right.
            var input = Tensor(shape: [1, 3, paddedHeight, paddedWidth])
            for c in 0..<3 { for y in 0..<height { for x in 0..<width {
                input.data[(c * paddedHeight + y) * paddedWidth + x] =
                    Float(planar ? pixels[(c * height + y) * width + x] : pixels[(y * width + x) * 3 + c])
            } } }
            for path in FloatKernelPath.allCases {
                var x = PointwiseConv(unfolding: stem).unfolded(input, as: stem)
                x = pool(units[0](x, path: path))
                x = pool(units[2](units[1](x, path: path), path: path))
                let got = pixels.withUnsafeBufferPointer {
                    stream(pixels: $0, planar: planar, width: width, height: height, paddedWidth: paddedWidth,
                           paddedHeight: paddedHeight, path: path)
                }
                let first = got.data.indices.first { got.data[$0].bitPattern != x.data[$0].bitPattern }
                #expect(got.shape == x.shape && first == nil,
                        "\(width)x\(height) in \(paddedWidth)x\(paddedHeight), planar \(planar), \(path): first difference at \(first ?? -1)")
            }
        }
    }
}
