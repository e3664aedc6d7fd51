import COpenBLAS

/// Single-precision matrix products, the workhorse of the network operators.
/// All matrices are row-major.
///
/// `gemm` calls OpenBLAS; `reference` is the plain triple loop kept beside it
/// so tests can check the fast path against something obviously right.
public enum MatrixMultiply {
    /// `C = alpha * op(A) x op(B) + beta * C`, with `op(A)` [m, k] and `op(B)` [k, n].
    /// `lda`, `ldb`, `ldc` are the row lengths of A, B, C as stored.
    @inline(__always)
    public static func gemm(
        transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
        alpha: Float = 1, _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, _ c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0 && n > 0 else { return }
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `C = A x B` through OpenBLAS, for arrays: A [m, k], B [k, n] -> C [m, n].
    public static func multiply(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int) -> [Float] {
        precondition(a.count == m * k && b.count == k * n, "matrix sizes do not match [m, k] x [k, n]")
        var c = [Float](repeating: 0, count: m * n)
        c.withUnsafeMutableBufferPointer { cp in
            gemm(m: m, n: n, k: k, a, lda: k, b, ldb: n, cp.baseAddress!, ldc: n)
        }
        return c
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

    /// Limits OpenBLAS to `threads` threads. Mien runs one worker process per
    /// core, so workers use 1.
    public static func setThreads(_ threads: Int) {
        openblas_set_num_threads(Int32(max(1, threads)))
    }
}
