import Testing

@testable import MienNN

/// OpenBLAS runs on one thread in every process that uses `MatrixMultiply`,
/// whether or not anything called `useSingleThreadedBLAS()` first: the tests
/// run models on many threads at once, and OpenBLAS's own thread pool entered
/// that way is unsafe.
@Suite("OpenBLAS on one thread")
struct BLASThreadsTests {
    @Test func theFirstProductLimitsOpenBLASToOneThread() {
        #expect(MatrixMultiply.multiply([2], [3], m: 1, n: 1, k: 1) == [6])
        #expect(MatrixMultiply.blasThreads == 1)
    }

    @Test func useSingleThreadedBLASIsIdempotent() {
        MatrixMultiply.useSingleThreadedBLAS()
        MatrixMultiply.useSingleThreadedBLAS()
        #expect(MatrixMultiply.blasThreads == 1)
    }
}
