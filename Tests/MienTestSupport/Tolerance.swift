import Foundation
import MienNN
import Testing

// Parity and kernel checks: each tolerance is about 10x the largest error measured,
// rounded up to one significant digit, and its comment gives the figure; a failure
// says the error achieved. The figures are the largest over the AVX2 build and
// `MIEN_CPU=portable` (which gave the same bits: Mien's kernels never reassociate a
// sum, and `addingProduct` is fused on every target) and OpenBLAS's SkylakeX,
// Haswell and Prescott kernels (`OPENBLAS_CORETYPE`), where the differences come
// from. Comparisons that were exact everywhere are exact.
// `MIEN_PRINT_ERRORS=1` prints every achieved error with its source line, to
// measure the figures again (on another CPU, say). Shared by the parity and kernel
// tests of MienNNTests and MienFaceTests.

/// Whether `MIEN_PRINT_ERRORS=1` asks for every achieved error.
public let printsErrors = ProcessInfo.processInfo.environment["MIEN_PRINT_ERRORS"] == "1"

/// Expects `achieved`, the largest error of a comparison, to be at most `tolerance`
/// (NaN fails), and names both when it is not.
public func expectWithin<F: BinaryFloatingPoint & CustomStringConvertible>(
    _ achieved: F, _ tolerance: F, _ what: @autoclosure () -> String, sourceLocation: SourceLocation = #_sourceLocation
) {
    if printsErrors {
        print("achieved error \(sourceLocation.fileName):\(sourceLocation.line) \(what()): \(achieved) (tolerance \(tolerance))")
    }
    #expect(achieved <= tolerance, "\(what()): max |difference| \(achieved), tolerance \(tolerance)",
            sourceLocation: sourceLocation)
}

/// Expects `got` to have `want`'s shape and values within `tolerance`.
public func expectClose(_ got: Tensor, _ want: Tensor, within tolerance: Float, _ what: @autoclosure () -> String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    guard got.shape == want.shape else {
        Issue.record("\(what()): shape \(got.shape), expected \(want.shape)", sourceLocation: sourceLocation)
        return
    }
    expectWithin(got.maxAbsDifference(want), tolerance, what(), sourceLocation: sourceLocation)
}

/// Expects `got` to equal `want` exactly (shape and every value), naming the largest difference when not.
public func expectIdentical(_ got: Tensor, _ want: Tensor, _ what: @autoclosure () -> String,
                     sourceLocation: SourceLocation = #_sourceLocation) {
    expectClose(got, want, within: 0, what(), sourceLocation: sourceLocation)
}
