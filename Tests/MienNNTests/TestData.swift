@testable import MienNN

/// Deterministic pseudo-random tensors for the op tests.
struct TestData {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> Float {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(Int64(bitPattern: state >> 11) % 2_000_001) / 1_000_000 - 1  // [-1, 1]
    }

    mutating func tensor(_ shape: [Int]) -> Tensor {
        Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in next() })
    }

    mutating func vector(_ count: Int) -> [Float] { (0..<count).map { _ in next() } }
}

/// Fast and reference agree to a tolerance scaled by how many terms each output sums.
func expectClose(_ fast: Tensor, _ reference: Tensor, terms: Int = 1, _ context: String = "") -> (Bool, String) {
    guard fast.shape == reference.shape else { return (false, "\(context): shape \(fast.shape) vs \(reference.shape)") }
    let worst = fast.maxAbsDifference(reference)
    let tolerance = 1e-5 * Float(max(terms, 1)).squareRoot() * 4
    return (worst <= tolerance, "\(context): max difference \(worst) > \(tolerance)")
}
