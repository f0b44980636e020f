/// The three choices that make two correct RDP accountants print different ε for the same
/// training run: the orders tracked, the fractional-order series, and the (ε, δ) conversion.
///
/// The presets name the library whose numbers they reproduce. `.dpAccounting` is the default
/// everywhere in Cohort: it matches current dp-accounting (0.6.0) to rounding, and each of its
/// choices is the conservative or the tighter-but-proven one.
public struct AccountingMethod: Sendable, Hashable {
    public var orders: RenyiOrders
    public var fractionalSeries: FractionalOrderSeries
    public var conversion: EpsilonConversion

    public init(
        orders: RenyiOrders = .dpAccounting,
        fractionalSeries: FractionalOrderSeries = .absoluteCoefficients,
        conversion: EpsilonConversion = .balle2020
    ) {
        self.orders = orders
        self.fractionalSeries = fractionalSeries
        self.conversion = conversion
    }

    /// dp-accounting 0.6.0's `RdpAccountant()`: its default orders, |C(α, i)| fractional
    /// series, Balle et al. 2020 conversion.
    public static let dpAccounting = AccountingMethod()

    /// Opacus's `RDPAccountant`: its default orders (no 11, nothing above 63), the signed
    /// fractional series, Balle et al. 2020 conversion (`get_privacy_spent`).
    public static let opacus = AccountingMethod(orders: .opacus, fractionalSeries: .signedCoefficients)

    /// TF Privacy's `compute_dp_sgd_privacy`: its own orders, computed by dp-accounting.
    public static let tensorFlowPrivacy = AccountingMethod(orders: .tensorFlowPrivacy)
}
