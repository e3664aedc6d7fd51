import COpenBLAS

/// Single-precision matrix products, the workhorse of the network operators.
/// All matrices are row-major.
///
/// `gemm` calls OpenBLAS; `reference` is the plain triple loop kept beside it
/// so tests can check the fast path against something obviously right.
///
/// Threads: Mien parallelises above OpenBLAS (frames on threads of its own,
/// one worker process per core), so OpenBLAS itself runs on one thread in
/// every process. Its own thread pool, entered from several threads at once,
/// is slower and unsafe: a test run once crashed with a corrupted allocation
/// size that way. `useSingleThreadedBLAS()` is the one place that sets this;
/// `mien`'s main calls it before any command, and the first `gemm` of any
/// other process (tests, library users) calls it too, before OpenBLAS is
/// entered. Only `setThreads` (benchmarks) chooses more. The container image
/// also sets `OPENBLAS_NUM_THREADS=1`, so OpenBLAS does not even start the
/// idle threads it would otherwise create when it loads.
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
        _ = singleThreaded
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

    /// Makes OpenBLAS use one thread for the rest of the process (see the
    /// type's notes). Idempotent and thread-safe: the setting is made once,
    /// before any `gemm` enters OpenBLAS; later calls only wait for that.
    public static func useSingleThreadedBLAS() {
        _ = singleThreaded
    }

    /// Set once per process, on first use (Swift runs a static's initializer
    /// exactly once, other threads waiting): one OpenBLAS thread.
    private static let singleThreaded: Void = openblas_set_num_threads(1)

    /// Lets OpenBLAS use `threads` threads (at least 1), for benchmarks that
    /// measure its own threading (`mien bench classifier --threads`). Everything
    /// else keeps the single thread `useSingleThreadedBLAS()` sets. Call it
    /// while no other thread is inside `gemm`.
    public static func setThreads(_ threads: Int) {
        _ = singleThreaded
        openblas_set_num_threads(Int32(max(1, threads)))
    }

    /// The threads OpenBLAS may use now (1 unless `setThreads` chose more).
    public static var blasThreads: Int { Int(openblas_get_num_threads()) }
}
