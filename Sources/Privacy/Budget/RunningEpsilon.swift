/// The site's ε after each round of a ledger, composed in order.
///
/// Rounds of one study usually repeat the same (q, σ), so the per-step RDP curve of each
/// distinct pair is computed once and scaled by the round's steps.
struct RunningEpsilon: Sendable {
    let delta: Double
    private(set) var accountant: RDPAccountant
    /// ε after each composed mechanism, in order.
    private(set) var history: [PrivacySpent] = []
    private var perStepCurves: [Pair: [Double]] = [:]

    private struct Pair: Hashable, Sendable {
        let sampleRate: Double
        let noiseMultiplier: Double
    }

    init(delta: Double, method: AccountingMethod) {
        self.delta = delta
        accountant = RDPAccountant(method: method)
    }

    /// ε so far; zero before any round.
    var current: PrivacySpent {
        history.last ?? PrivacySpent(epsilon: 0, delta: delta, order: accountant.method.orders.values[0])
    }

    /// The accountant with `mechanisms` added, without keeping them.
    func accountant(adding mechanisms: [SampledGaussianMechanism]) -> RDPAccountant {
        var copy = accountant
        for mechanism in mechanisms { copy.add(perStepCurve(for: mechanism), steps: mechanism.steps) }
        return copy
    }

    /// ε after `mechanisms`, without keeping them.
    func spent(adding mechanisms: [SampledGaussianMechanism]) -> PrivacySpent {
        guard !mechanisms.isEmpty else { return current }
        // delta was validated by the policy.
        return try! accountant(adding: mechanisms).privacySpent(delta: delta)
    }

    mutating func add(_ mechanism: SampledGaussianMechanism) {
        let curve = perStepCurve(for: mechanism)
        perStepCurves[Pair(sampleRate: mechanism.sampleRate, noiseMultiplier: mechanism.noiseMultiplier)] = curve
        accountant.add(curve, steps: mechanism.steps)
        history.append(try! accountant.privacySpent(delta: delta))
    }

    private func perStepCurve(for mechanism: SampledGaussianMechanism) -> [Double] {
        let pair = Pair(sampleRate: mechanism.sampleRate, noiseMultiplier: mechanism.noiseMultiplier)
        if let curve = perStepCurves[pair] { return curve }
        // Validated mechanism; one step of it.
        let single = try! SampledGaussianMechanism(sampleRate: pair.sampleRate, noiseMultiplier: pair.noiseMultiplier, steps: 1)
        return single.renyiDivergences(at: accountant.method.orders, series: accountant.method.fractionalSeries)
    }
}
