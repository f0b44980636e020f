#if canImport(Accelerate)
    import Accelerate
#else
    import CBLAS
#endif

/// The few BLAS routines the learning core needs, behind one Swift front so that OpenBLAS
/// (Linux) and Accelerate (Apple platforms) are interchangeable and the rest of the module
/// never imports either.
public enum BLAS {
    /// `C = alpha * op(A) * op(B) + beta * C`, row-major; `op(X)` is `X` or `Xᵀ`.
    @inlinable
    public static func gemm(
        transposeA: Bool, transposeB: Bool,
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor,
            transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Limits OpenBLAS to `count` threads. Small models are fastest on one thread, and a site
    /// agent that also serves the network should not let BLAS take every core.
    public static func setThreadCount(_ count: Int) {
        #if !canImport(Accelerate)
            openblas_set_num_threads(Int32(count))
        #endif
    }
}
