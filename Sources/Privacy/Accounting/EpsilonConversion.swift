#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How an RDP curve becomes an (ε, δ) guarantee: ε = min over orders α of a bound in RDP(α).
public enum EpsilonConversion: String, Sendable, Hashable, CaseIterable {
    /// ε = min_α [ RDP(α) + log((α−1)/α) − (log δ + log α)/(α−1) ].
    ///
    /// Balle, Barthe, Gaboardi, Hsu, Sato 2020, "Hypothesis Testing Interpretations and Rényi
    /// Differential Privacy" (AISTATS, Thm. 21); the same bound is Canonne, Kamath, Steinke 2020
    /// (arXiv 2004.00010, Prop. 12) and Asoodeh et al. 2020 (Eq. 20). At every order above
    /// 1.01 it is smaller than `.mironov2017`, by log(α/(α−1)) + (log α)/(α−1). It is what
    /// dp-accounting's `compute_epsilon`, Opacus's `get_privacy_spent` and TF Privacy's
    /// `compute_dp_sgd_privacy` use today, so it is the default: the published Opacus and
    /// TF Privacy test values are computed with it.
    ///
    /// With dp-accounting's guards: the bound is only used for α > 1.01 (it is numerically
    /// unstable near 1); an order whose RDP r satisfies δ² + expm1(−r) > 0 gives ε = 0 outright
    /// (total variation ≤ √(1 − e^(−KL)) ≤ δ, and KL ≤ RDP(α)); ε is never negative.
    case balle2020

    /// ε = min_α [ RDP(α) + log(1/δ)/(α−1) ]: Mironov 2017, "Rényi Differential Privacy"
    /// (CSF), Prop. 3. The classic conversion of the moments accountant era (Abadi et al. 2016,
    /// older TF Privacy releases' `get_privacy_spent`). Valid but looser; kept to compare with
    /// numbers published before the improved bound.
    case mironov2017

    /// ε at one order, or +∞ where this order gives no finite bound. `rdp` is the total RDP
    /// at `order`; NaN (a numerical failure upstream) is treated as no bound.
    func epsilon(rdp: Double, order: Double, delta: Double) -> Double {
        if rdp.isNaN { return .infinity }
        switch self {
        case .balle2020:
            if delta * delta + expm1(-rdp) > 0 { return 0 }
            guard order > 1.01 else { return .infinity }
            return rdp + log1p(-1 / order) - log(delta * order) / (order - 1)
        case .mironov2017:
            return max(rdp, 0) - log(delta) / (order - 1)
        }
    }

    /// The smallest ε over all orders and the first order that attains it.
    func privacySpent(rdp: [Double], orders: RenyiOrders, delta: Double) -> PrivacySpent {
        var best = PrivacySpent(epsilon: .infinity, delta: delta, order: orders.values[0])
        for (order, value) in zip(orders.values, rdp) {
            let epsilon = self.epsilon(rdp: value, order: order, delta: delta)
            if epsilon < best.epsilon { best = PrivacySpent(epsilon: epsilon, delta: delta, order: order) }
        }
        return PrivacySpent(epsilon: max(0, best.epsilon), delta: delta, order: best.order)
    }
}
