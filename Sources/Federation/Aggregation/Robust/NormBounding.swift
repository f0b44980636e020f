/// Norm bounding (Sun, Kairouz, Suresh & McMahan 2019, "Can you really backdoor federated
/// learning?"): every update is scaled down to at most a bound before any other rule sees
/// it, which caps what one site can move the model. The bound is fixed, or adaptive: a
/// multiple of the median update norm of the previous round (no bound in the first round).
/// Streaming; composes with every rule, and with secure aggregation when sites clip.
public struct NormBounded: AggregationRule {
    public enum Bound: Hashable, Sendable {
        case fixed(Double)
        case adaptive(multiplier: Double)
    }

    public private(set) var inner: any AggregationRule
    public let bound: Bound
    public private(set) var previousMedianNorm: Double?

    public init(_ inner: any AggregationRule, bound: Bound) throws(AggregationRuleError) {
        switch bound {
        case .fixed(let value) where !(value > 0 && value.isFinite):
            throw .invalid("a norm bound must be a positive number, got \(value)")
        case .adaptive(let multiplier) where !(multiplier > 0 && multiplier.isFinite):
            throw .invalid("an adaptive norm-bound multiplier must be positive, got \(multiplier)")
        default: break
        }
        self.inner = inner
        self.bound = bound
    }

    public var name: String { "norm-bounded \(inner.name)" }
    public var needsIndividualUpdates: Bool { inner.needsIndividualUpdates }
    public var minimumUpdates: Int { inner.minimumUpdates }

    /// The bound in force this round, if any.
    public var currentBound: Double? {
        switch bound {
        case .fixed(let value): value
        case .adaptive(let multiplier): previousMedianNorm.map { $0 * multiplier }
        }
    }

    public var state: ComponentState {
        var state = inner.state
        if let previousMedianNorm { state.scalars["norm_bound.previous_median"] = previousMedianNorm }
        return state
    }

    public mutating func restore(_ state: ComponentState) throws {
        var rest = state
        previousMedianNorm = rest.scalars.removeValue(forKey: "norm_bound.previous_median")
        try inner.restore(rest)
    }

    public func makeAggregator(for context: RoundContext) throws -> any RoundAggregator {
        Aggregator(inner: try inner.makeAggregator(for: context), bound: currentBound)
    }

    public mutating func roundFinished(_ aggregate: RoundAggregate) {
        if let norms = aggregate.updateNorms?.values.sorted(), !norms.isEmpty {
            previousMedianNorm = norms.count % 2 == 1 ? norms[norms.count / 2] : (norms[norms.count / 2 - 1] + norms[norms.count / 2]) / 2
        }
        inner.roundFinished(aggregate)
    }

    struct Aggregator: RoundAggregator {
        var inner: any RoundAggregator
        let bound: Double?
        var norms: [SiteID: Double] = [:]

        var contributors: [SiteID] { inner.contributors }

        mutating func fold(_ update: SiteUpdate) throws {
            let norm = VectorMath.norm(update.delta)
            norms[update.site] = norm
            var clipped = update
            if let bound, norm > bound {
                let scale = Float(bound / norm)
                for i in clipped.delta.indices { clipped.delta[i] *= scale }
            }
            try inner.fold(clipped)
        }

        mutating func finish() throws -> RoundAggregate {
            var aggregate = try inner.finish()
            aggregate.updateNorms = norms
            return aggregate
        }
    }
}
