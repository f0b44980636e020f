/// How the series for A_α is summed at a fractional order α (Mironov, Talwar, Zhang 2019,
/// "Rényi Differential Privacy of the Sampled Gaussian Mechanism", arXiv 1908.10530, Sec. 3.3).
///
/// At fractional α, A_α = A₀ + A₁, two infinite series in the generalized binomial
/// coefficients C(α, i) = Γ(α+1) / (Γ(i+1) Γ(α−i+1)), which change sign for i > α + 1. The
/// reference libraries differ in what they do with that sign, so they disagree in the fifth
/// digit of ε (7.32933 vs 7.32911 for q = 0.04, σ = 1.5, 2250 steps, δ = 1e-5).
public enum FractionalOrderSeries: String, Sendable, Hashable, CaseIterable {
    /// Sums |C(α, i)|: every term is counted as positive. This upper-bounds the signed sum, so
    /// it can only overstate ε (by about 1e-4 relative in practice). Stops once both series
    /// are decreasing and their newest terms are below e⁻³⁰ of the running total; after 1000
    /// terms without converging, the order is given up (RDP +∞, never chosen).
    ///
    /// This is dp-accounting's `_compute_log_a_frac` (0.4 and later, including 0.6.0), and the
    /// default here: it is conservative, and current dp-accounting and TF Privacy (which
    /// delegates to it) compute their ε this way.
    case absoluteCoefficients

    /// Sums the signed C(α, i): the mathematically exact series. Stops once both newest terms
    /// are below e⁻³⁰ in absolute terms; after 10 000 terms, or if a partial sum goes negative
    /// (rounding; the exact sum is positive), the order is given up (RDP +∞).
    ///
    /// This is Opacus's `_compute_log_a_for_frac_alpha` and the original TF Privacy
    /// `_compute_log_a_frac`; use it to reproduce their published ε.
    case signedCoefficients
}
