import Foundation
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

// Kernel checks: each tolerance is about 10x the largest error measured, rounded
// up to one significant digit, and its comment gives the figure; a failure says
// the error achieved. The figures are the largest over the AVX2 build and
// `MIEN_CPU=portable` (which gave the same bits: Mien's kernels never reassociate a
// sum, and `addingProduct` is fused on every target) and OpenBLAS's SkylakeX,
// Haswell and Prescott kernels (`OPENBLAS_CORETYPE`), where the differences come
// from. Comparisons that were exact everywhere are exact.
// `MIEN_PRINT_ERRORS=1` prints every achieved error with its source line, to
// measure the figures again (on another CPU, say).
// (The same helpers as MienFaceTests' Tolerance.swift: this target has no support module.)

/// Whether `MIEN_PRINT_ERRORS=1` asks for every achieved error.
let printsErrors = ProcessInfo.processInfo.environment["MIEN_PRINT_ERRORS"] == "1"

/// Expects `achieved`, the largest error of a comparison, to be at most `tolerance`
/// (NaN fails), and names both when it is not.
func expectWithin(_ achieved: Float, _ tolerance: Float, _ what: @autoclosure () -> String,
                  sourceLocation: SourceLocation = #_sourceLocation) {
    if printsErrors {
        print("achieved error \(sourceLocation.fileName):\(sourceLocation.line) \(what()): \(achieved) (tolerance \(tolerance))")
    }
    #expect(achieved <= tolerance, "\(what()): max |difference| \(achieved), tolerance \(tolerance)",
            sourceLocation: sourceLocation)
}

/// Expects `fast` to have `reference`'s shape and values within `tolerance`.
func expectClose(_ fast: Tensor, _ reference: Tensor, within tolerance: Float, _ what: @autoclosure () -> String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    guard fast.shape == reference.shape else {
        Issue.record("\(what()): shape \(fast.shape), expected \(reference.shape)", sourceLocation: sourceLocation)
        return
    }
    expectWithin(fast.maxAbsDifference(reference), tolerance, what(), sourceLocation: sourceLocation)
}

/// Expects `fast` to equal `reference` exactly (shape and every value), naming the largest difference when not.
func expectIdentical(_ fast: Tensor, _ reference: Tensor, _ what: @autoclosure () -> String,
                     sourceLocation: SourceLocation = #_sourceLocation) {
    expectClose(fast, reference, within: 0, what(), sourceLocation: sourceLocation)
}

/// Expects `fast` and `reference` to agree within `perRootTerm` times the square root of
/// `terms`, the number of products each output sums (rounding grows about with its root).
func expectClose(_ fast: Tensor, _ reference: Tensor, terms: Int, perRootTerm: Float, _ what: @autoclosure () -> String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    expectClose(fast, reference, within: perRootTerm * Float(max(terms, 1)).squareRoot(), what(), sourceLocation: sourceLocation)
}
