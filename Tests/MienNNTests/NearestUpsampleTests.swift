import MienTestSupport
import Testing

@testable import MienNN

@Suite("Nearest 2x upsampling and the feature-pyramid add")
struct NearestUpsampleTests {
    @Test func upsampleRepeatsEachValueIntoA2x2Block() {
        let x = Tensor(shape: [1, 1, 2, 2], data: [1, 2, 3, 4])
        #expect(NearestUpsample.upsample2x(x).data == [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
    }

    @Test(arguments: [(8, 8), (6, 10), (7, 9), (1, 1), (34, 60), (5, 2)])
    func fastAddEqualsReference(h: Int, w: Int) {
        var data = TestData(seed: UInt64(h * 100 + w))
        let fine = data.tensor([2, 3, h, w])
        let coarse = data.tensor([2, 3, (h + 1) / 2, (w + 1) / 2])
        expectIdentical(NearestUpsample.addUpsampled2x(coarse, to: fine), NearestUpsample.addUpsampled2xReference(coarse, to: fine),
                        "upsampled add \(h)x\(w)")
    }

    @Test func handWorkedAdd() {
        let fine = Tensor(shape: [1, 1, 3, 3], data: [0, 0, 0, 0, 0, 0, 0, 0, 10])
        let coarse = Tensor(shape: [1, 1, 2, 2], data: [1, 2, 3, 4])
        #expect(NearestUpsample.addUpsampled2x(coarse, to: fine).data == [1, 1, 2, 1, 1, 2, 3, 3, 14])
    }
}
