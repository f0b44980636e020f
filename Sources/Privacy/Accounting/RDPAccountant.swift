/// Rényi DP accountant for compositions of Sampled Gaussian Mechanisms with different
/// parameters: a running RDP curve, one value per order, to which each mechanism adds its own.
///
/// Composition is exact bookkeeping (RDP adds at every order; Mironov 2017); only the final
/// conversion to (ε, δ) loses anything, and it is done afresh for every query, so a ledger of
/// heterogeneous rounds (different q, σ, steps) costs one conversion per question.
public struct RDPAccountant: Sendable, Hashable {
    public let method: AccountingMethod
    /// Total RDP of everything composed so far, at `method.orders.values` (same indices).
    public private(set) var renyiDivergences: [Double]

    /// An accountant that has spent nothing.
    public init(method: AccountingMethod = .dpAccounting) {
        self.method = method
        renyiDivergences = Array(repeating: 0, count: method.orders.values.count)
    }

    /// Adds `mechanism` to the composition.
    public mutating func compose(_ mechanism: SampledGaussianMechanism) {
        let added = mechanism.renyiDivergences(at: method.orders, series: method.fractionalSeries)
        for index in renyiDivergences.indices { renyiDivergences[index] += added[index] }
    }

    /// Adds `steps` compositions of a mechanism whose one-step RDP curve (at `method.orders`)
    /// is `perStep`: the same sum as `compose`, for callers that cache curves.
    mutating func add(_ perStep: [Double], steps: Int) {
        let steps = Double(steps)
        for index in renyiDivergences.indices { renyiDivergences[index] += steps * perStep[index] }
    }

    /// This composition with `mechanism` added.
    public func composing(_ mechanism: SampledGaussianMechanism) -> RDPAccountant {
        var copy = self
        copy.compose(mechanism)
        return copy
    }

    /// The (ε, δ) guarantee of everything composed so far, at `delta` in (0, 1).
    public func privacySpent(delta: Double) throws(PrivacyAccountingError) -> PrivacySpent {
        guard delta > 0, delta < 1 else { throw .invalidDelta(delta) }
        return method.conversion.privacySpent(rdp: renyiDivergences, orders: method.orders, delta: delta)
    }

    /// ε of `mechanism` alone: the one-line answer to "what does this training run cost?".
    public static func epsilon(
        of mechanism: SampledGaussianMechanism, delta: Double,
        method: AccountingMethod = .dpAccounting
    ) throws(PrivacyAccountingError) -> PrivacySpent {
        try RDPAccountant(method: method).composing(mechanism).privacySpent(delta: delta)
    }
}
