/// The orders α at which the accountant tracks Rényi differential privacy.
///
/// RDP composes additively at every order (Mironov 2017), but converting to (ε, δ)
/// takes a minimum over orders, so the list decides how tight the final ε is. The three
/// lists below are the ones the reference libraries use; published ε values can only be
/// reproduced with the list they were computed with.
public struct RenyiOrders: Sendable, Hashable {
    /// Strictly increasing, every order > 1.
    public let values: [Double]

    /// Orders must exceed 1 (the (ε, δ) conversions divide by α − 1) and be finite; they are
    /// sorted and duplicates dropped.
    public init(_ values: [Double]) throws(PrivacyAccountingError) {
        guard !values.isEmpty else { throw .invalidOrders("the list of RDP orders is empty") }
        if let bad = values.first(where: { !($0 > 1) || !$0.isFinite }) {
            throw .invalidOrders("RDP order \(bad) is not a finite number above 1")
        }
        var unique: [Double] = []
        for value in values.sorted() where unique.last != value { unique.append(value) }
        self.values = unique
    }

    private init(validated values: [Double]) { self.values = values }

    /// dp-accounting's `DEFAULT_RDP_ORDERS` (0.6.0): 1.1, 1.2, …, 10.9, then 11 … 63, then
    /// 128, 256, 512, 1024. The high orders matter for very small sample rates and many steps.
    /// Built as `1 + x/10` exactly as the Python does, so the orders are the same doubles
    /// (1 + 2/10 is 1.2000000000000002, not the literal 1.2) and the same ones are integers.
    public static let dpAccounting = RenyiOrders(validated: (1...99).map { 1 + Double($0) / 10 } + (11...63).map(Double.init) + [128, 256, 512, 1024])

    /// Opacus's `RDPAccountant.DEFAULT_ALPHAS`: 1.1 … 10.9, then 12 … 63 (11 is missing, as in
    /// Opacus), no orders above 63.
    public static let opacus = RenyiOrders(validated: (1...99).map { 1 + Double($0) / 10 } + (12...63).map(Double.init))

    /// TF Privacy's `compute_dp_sgd_privacy` list: 1.25, 1.5, 1.75, 2, 2.25, 2.5, 3, 3.5, 4,
    /// 4.5, then 5 … 63, then 128, 256, 512.
    public static let tensorFlowPrivacy = RenyiOrders(validated: [1.25, 1.5, 1.75, 2, 2.25, 2.5, 3, 3.5, 4, 4.5] + (5...63).map(Double.init) + [128, 256, 512])
}
