import COpenBLAS

/// Single-precision matrix product, the workhorse of the network operators:
/// `C = A x B` with row-major `A` [m, k], `B` [k, n], `C` [m, n].
///
/// `multiply` calls OpenBLAS; `reference` is the plain triple loop kept beside
/// it so tests can check the fast path against something obviously right.
public enum MatrixMultiply {
    /// `C = A x B` through `cblas_sgemm`. `c` is overwritten.
    public static func multiply(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int
    ) {
        // [m, k] x [k, n] -> [m, n], all row-major, leading dimensions = row lengths.
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
                    1, a, Int32(k), b, Int32(n), 0, c, Int32(n))
    }

    /// `C = A x B` by the definition, for tests.
    public static func reference(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum: Float = 0
                for p in 0..<k { sum += a[i * k + p] * b[p * n + j] }
                c[i * n + j] = sum
            }
        }
        return c
    }

    /// Array convenience around `multiply`.
    public static func multiply(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int) -> [Float] {
        precondition(a.count == m * k && b.count == k * n, "matrix sizes do not match [m, k] x [k, n]")
        var c = [Float](repeating: 0, count: m * n)
        c.withUnsafeMutableBufferPointer { cp in multiply(a, b, cp.baseAddress!, m: m, n: n, k: k) }
        return c
    }

    /// Limits OpenBLAS to `threads` threads. Mien runs one worker process per
    /// core, so workers call this with 1.
    public static func setThreads(_ threads: Int) {
        openblas_set_num_threads(Int32(max(1, threads)))
    }
}
