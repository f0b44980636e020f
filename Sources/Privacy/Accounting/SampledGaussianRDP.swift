#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Rényi differential privacy of one step of the Sampled Gaussian Mechanism, after
/// Mironov, Talwar, Zhang 2019, "Rényi Differential Privacy of the Sampled Gaussian
/// Mechanism" (arXiv 1908.10530).
///
/// With μ₀ = N(0, σ²), μ₁ = N(1, σ²) and the mixture μ = (1−q)μ₀ + qμ₁, the RDP at order α is
/// log(A_α)/(α−1) with A_α = E_{z∼μ₀}[(μ(z)/μ₀(z))^α]; MTZ 2019 (Sec. 3) show that this
/// direction of the divergence is the larger one under the add/remove-one relation.
enum SampledGaussianRDP {
    /// RDP at `order` of one step. q = 1 is the plain Gaussian mechanism, α/(2σ²) (Mironov
    /// 2017, "Rényi Differential Privacy"); otherwise the exact binomial expansion at integer
    /// α and the MTZ series at fractional α. +∞ where the fractional series did not converge
    /// (that order is then never the optimum).
    static func perStep(
        sampleRate q: Double, noiseMultiplier sigma: Double, order alpha: Double,
        series: FractionalOrderSeries
    ) -> Double {
        if q == 0 { return 0 }
        if sigma == 0 || alpha.isInfinite { return .infinity }
        if q == 1 { return alpha / (2 * sigma * sigma) }
        let logA =
            alpha == alpha.rounded(.towardZero)
            ? logAIntegerOrder(q: q, sigma: sigma, alpha: Int(alpha))
            : logAFractionalOrder(q: q, sigma: sigma, alpha: alpha, series: series)
        let rdp = logA / (alpha - 1)
        return rdp.isNaN ? .infinity : rdp
    }

    /// log A_α for integer α: A_α = Σ_{i=0}^{α} C(α,i) q^i (1−q)^(α−i) exp((i² − i)/(2σ²))
    /// (MTZ 2019, Sec. 3), summed in log space; every term is positive.
    static func logAIntegerOrder(q: Double, sigma: Double, alpha: Int) -> Double {
        let logQ = log(q), logOneMinusQ = log1p(-q)
        let twoVariance = 2 * sigma * sigma
        let n = Double(alpha)
        var logA = -Double.infinity
        for i in 0...alpha {
            let k = Double(i)
            let term = LogSpace.binomial(n, k).log + k * logQ + (n - k) * logOneMinusQ + (k * k - k) / twoVariance
            logA = LogSpace.add(logA, term)
        }
        return logA
    }

    /// log A_α for fractional α (MTZ 2019, Sec. 3.3). Split the integral defining A_α at
    /// z₀ = σ² log(1/q − 1) + ½, where μ₀ and μ₁'s weighted densities cross; on each side the
    /// binomial series of (1 − q + q·e^{…})^α converges, giving A_α = A₀ + A₁ with
    ///   A₀ = Σ_i C(α,i) q^i (1−q)^(α−i) e^{(i²−i)/(2σ²)} · ½ erfc((i − z₀)/(√2 σ))
    ///   A₁ = Σ_i C(α,i) q^(α−i) (1−q)^i e^{((α−i)²−(α−i))/(2σ²)} · ½ erfc((z₀ − (α−i))/(√2 σ)).
    /// `series` says whether C(α,i) keeps its sign; see `FractionalOrderSeries`.
    static func logAFractionalOrder(
        q: Double, sigma: Double, alpha: Double,
        series: FractionalOrderSeries
    ) -> Double {
        let logQ = log(q), logOneMinusQ = log1p(-q)
        let twoVariance = 2 * sigma * sigma
        let rootTwoSigma = sqrt(2) * sigma
        let logHalf = log(0.5)
        let z0 = sigma * sigma * log(1 / q - 1) + 0.5

        var logA0 = -Double.infinity, logA1 = -Double.infinity
        var previous0 = -Double.infinity, previous1 = -Double.infinity
        let maximumTerms = series == .absoluteCoefficients ? 1000 : 10_000
        for i in 0..<maximumTerms {
            let k = Double(i)
            let j = alpha - k
            let coefficient = LogSpace.binomial(alpha, k)
            let logS0 =
                coefficient.log + k * logQ + j * logOneMinusQ + (k * k - k) / twoVariance
                + logHalf + LogSpace.erfc((k - z0) / rootTwoSigma)
            let logS1 =
                coefficient.log + j * logQ + k * logOneMinusQ + (j * j - j) / twoVariance
                + logHalf + LogSpace.erfc((z0 - j) / rootTwoSigma)

            switch series {
            case .absoluteCoefficients:
                logA0 = LogSpace.add(logA0, logS0)
                logA1 = LogSpace.add(logA1, logS1)
                let total = LogSpace.add(logA0, logA1)
                // dp-accounting's rule: both series past their peak and negligible.
                if logS0 < previous0, logS1 < previous1, max(logS0, logS1) < total - 30 { return total }
                previous0 = logS0
                previous1 = logS1
            case .signedCoefficients:
                if coefficient.isNegative {
                    guard let a0 = LogSpace.subtract(logA0, logS0),
                        let a1 = LogSpace.subtract(logA1, logS1)
                    else { return .infinity }
                    logA0 = a0
                    logA1 = a1
                } else {
                    logA0 = LogSpace.add(logA0, logS0)
                    logA1 = LogSpace.add(logA1, logS1)
                }
                // Opacus's rule: both newest terms below e⁻³⁰.
                if max(logS0, logS1) < -30 { return LogSpace.add(logA0, logA1) }
            }
        }
        return .infinity
    }
}
