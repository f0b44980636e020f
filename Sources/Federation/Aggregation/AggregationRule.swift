/// What a rule needs to know about the round it aggregates.
public struct RoundContext: Sendable {
    public var round: Int
    public var globalParameters: [Float]
    public var instructions: TrainingInstructions
    public var weighting: UpdateWeighting
    /// The vectors the strategy's sites send beside the delta, folded as declared.
    public var vectors: [VectorDeclaration]

    public init(
        round: Int, globalParameters: [Float], instructions: TrainingInstructions,
        weighting: UpdateWeighting = .bySamples, vectors: [VectorDeclaration] = []
    ) {
        self.round = round
        self.globalParameters = globalParameters
        self.instructions = instructions
        self.weighting = weighting
        self.vectors = vectors
    }
}

/// Folds a round's accepted updates, one at a time as they arrive, into the round's aggregate.
public protocol RoundAggregator {
    mutating func fold(_ update: SiteUpdate) throws
    /// True when `fold` reads deferred updates chunk by chunk; others are handed each update
    /// whole (`SiteUpdate.resolved()`).
    var foldsDeferredUpdates: Bool { get }
    var contributors: [SiteID] { get }
    /// A second stage before the aggregate is taken (probes, a secure sum); see `RoundServices`.
    mutating func finalize(with services: RoundServices, isolation: isolated (any Actor)?) async -> RoundFinalization
    /// Ends the round; call once.
    mutating func finish() throws -> RoundAggregate
}

/// How a round's updates become one: the weighted mean (FedAvg's rule) or a robust rule that
/// resists poisoned updates. Rules are separate from strategies, so any strategy (FedAvg,
/// FedProx, FedOpt) can run with any rule; the strategy then steps the model by the result.
public protocol AggregationRule: Sendable {
    var name: String { get }
    /// True when the rule must see each site's update on its own, which rules out secure
    /// aggregation (where the coordinator only ever learns the sum).
    var needsIndividualUpdates: Bool { get }
    /// The fewest updates the rule can aggregate meaningfully (Krum needs 2f + 3).
    var minimumUpdates: Int { get }
    func makeAggregator(for context: RoundContext) throws -> any RoundAggregator
    /// Lets a stateful rule (an adaptive norm bound) learn from the round just finished.
    mutating func roundFinished(_ aggregate: RoundAggregate)
    /// What the rule remembers between rounds, for checkpoints.
    var state: ComponentState { get }
    mutating func restore(_ state: ComponentState) throws
}

extension AggregationRule {
    public var needsIndividualUpdates: Bool { true }
    public var minimumUpdates: Int { 1 }
    public mutating func roundFinished(_ aggregate: RoundAggregate) {}
    public var state: ComponentState { .empty }
    public mutating func restore(_ state: ComponentState) throws {
        guard state.isEmpty else { throw StateMismatch("the \(name) rule keeps no state, but the checkpoint has some") }
    }
}

/// Federated averaging's rule: the weighted mean, streamed into one running sum.
public struct WeightedMean: AggregationRule {
    public init() {}
    public var name: String { "mean" }
    public var needsIndividualUpdates: Bool { false }

    public func makeAggregator(for context: RoundContext) throws -> any RoundAggregator {
        RoundAccumulator(parameterCount: context.globalParameters.count, weighting: context.weighting, vectors: context.vectors)
    }
}

extension RoundAggregator {
    public var foldsDeferredUpdates: Bool { false }
}

extension RoundAccumulator: RoundAggregator {
    public var foldsDeferredUpdates: Bool { true }
}
