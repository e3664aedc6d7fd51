import Foundation
import MienTestSupport
import Testing

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

// Kernel checks: tolerances about 10x the largest error measured; the helpers
// (`expectWithin`, `expectClose`, `expectIdentical`, `MIEN_PRINT_ERRORS`) are in
// MienTestSupport's Tolerance.swift.

/// Expects `fast` and `reference` to agree within `perRootTerm` times the square root of
/// `terms`, the number of products each output sums (rounding grows about with its root).
func expectClose(_ fast: Tensor, _ reference: Tensor, terms: Int, perRootTerm: Float, _ what: @autoclosure () -> String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    expectClose(fast, reference, within: perRootTerm * Float(max(terms, 1)).squareRoot(), what(), sourceLocation: sourceLocation)
}
