#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Arithmetic on positive numbers stored as their natural logarithms.
///
/// The sampled Gaussian's moments at order 1024 involve terms like exp(1024² / 2σ²) times
/// binomials of 1024: far past `Double`'s range, although their logarithms (and the RDP
/// they produce) are modest. Every sum in the accountant is therefore done on logarithms,
/// with zero represented as `-infinity`.
enum LogSpace {
    /// log(e^x + e^y), exact to rounding for any x, y (the larger term is factored out).
    static func add(_ x: Double, _ y: Double) -> Double {
        let (small, large) = x < y ? (x, y) : (y, x)
        if small == -.infinity || large == .infinity { return large }
        return large + log1p(exp(small - large))
    }

    /// log(e^x − e^y) for x ≥ y; `nil` when the difference would be negative, which has no
    /// logarithm. x == y gives `-infinity` (zero).
    static func subtract(_ x: Double, _ y: Double) -> Double? {
        if y == -.infinity { return x }
        if x < y { return nil }
        if x == y { return -.infinity }
        // log(e^x − e^y) = x + log(1 − e^(y−x)); never overflows, unlike expm1(x − y).
        return x + log1p(-exp(y - x))
    }

    /// log |C(n, k)| = log |Γ(n+1) / (Γ(k+1) Γ(n−k+1))|, the generalized binomial coefficient,
    /// for real n ≥ 0 and integer k ≥ 0, with the sign of C(n, k). For fractional n and
    /// k > n + 1, Γ(n−k+1) has a negative argument and C(n, k) alternates in sign.
    static func binomial(_ n: Double, _ k: Double) -> (log: Double, isNegative: Bool) {
        let (top, topSign) = logGamma(n + 1)
        let (left, leftSign) = logGamma(k + 1)
        let (right, rightSign) = logGamma(n - k + 1)
        // Γ at a non-positive integer is a pole: the coefficient is exactly zero.
        if right == .infinity { return (-.infinity, false) }
        return (top - left - right, (topSign * leftSign * rightSign) < 0)
    }

    /// log Γ(x) and the sign of Γ(x). `lgamma_r` rather than `lgamma`, which writes the
    /// sign to a process-wide global and so races between threads.
    static func logGamma(_ x: Double) -> (Double, Int32) {
        var sign: Int32 = 1
        let value = lgamma_r(x, &sign)
        return (value, sign)
    }

    /// log erfc(x), accurate in the far right tail where erfc(x) underflows (x ≳ 26.5).
    ///
    /// The same quantity as SciPy's `log(2) + log_ndtr(−x√2)`, which dp-accounting uses.
    static func erfc(_ x: Double) -> Double {
        if x < -3 {
            // erfc(x) = 2 − erfc(−x), with erfc(−x) small: keep its digits with log1p.
            return log(2.0) + log1p(-0.5 * complementaryErrorFunction(-x))
        }
        if x < 25 {
            return log(complementaryErrorFunction(x))
        }
        // Asymptotic series of erfc at infinity (Abramowitz & Stegun 7.1.23), in log form:
        // log erfc(x) = −x² − log x − ½ log π − ½x⁻² + ⅝x⁻⁴ − 37/24 x⁻⁶ + 353/64 x⁻⁸ + O(x⁻¹⁰).
        let inverseSquare = 1 / (x * x)
        let correction = inverseSquare * (-0.5 + inverseSquare * (0.625 + inverseSquare * (-37.0 / 24.0 + inverseSquare * 353.0 / 64.0)))
        return -x * x - log(x) - 0.5 * log(Double.pi) + correction
    }
}

/// The C library's erfc, named apart from `LogSpace.erfc`, which returns its logarithm.
@inline(__always)
private func complementaryErrorFunction(_ x: Double) -> Double {
    #if canImport(Glibc)
        Glibc.erfc(x)
    #else
        Darwin.erfc(x)
    #endif
}
