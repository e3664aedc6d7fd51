import MienNN
import MienTestSupport
import Testing

@testable import MienFace

@Suite("Fused max-pool + add equals MienNN's ops")
struct PoolAddTests {
    @Test(arguments: [(2, 3, 60, 60), (1, 2, 30, 30), (1, 4, 15, 15), (3, 2, 8, 8), (1, 1, 7, 10), (1, 1, 2, 2), (1, 1, 1, 1), (1, 2, 5, 4)])
    func fastEqualsReference(_ shape: (Int, Int, Int, Int)) {
        var state: UInt64 = 99
        func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2001) / 1000 - 1
        }
        let (n, c, h, w) = shape
        let main = Tensor(shape: [n, c, h, w], data: (0..<(n * c * h * w)).map { _ in next() - 0.5 })
        let skipShape = [n, c, (h + 1) / 2, (w + 1) / 2]
        let skip = Tensor(shape: skipShape, data: (0..<skipShape.reduce(1, *)).map { _ in next() })
        expectIdentical(PoolAdd.apply(main, skip), PoolAdd.reference(main, skip), "pool + add \(shape)")
    }
}
