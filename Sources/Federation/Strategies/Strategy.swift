/// A federated optimization algorithm, kept apart from transport and scheduling (after
/// Flower's `Strategy`): it says what sites do in a round and how the round's aggregate
/// moves the global model. Strategies see only streamed aggregates, never a list of updates,
/// which keeps the coordinator's memory at O(model).
public protocol Strategy: Sendable {
    /// Short name used in reports and configs (`fedavg`, `fedadam`...).
    var name: String { get }
    /// How the round's mean weighs each site.
    var weighting: UpdateWeighting { get }
    /// The vectors its sites send beside their change to the model (SCAFFOLD's control
    /// delta, Lockdown's mask): checked, folded and handed back in `RoundAggregate.vectors`.
    var sentVectors: [VectorDeclaration] { get }
    /// The instructions a participant receives, starting from the study's defaults.
    func instructions(for round: Int, site: SiteID, base: TrainingInstructions) -> TrainingInstructions
    /// Moves the global parameters by the round's aggregate (the server-side optimizer step)
    /// and updates the strategy's own state; `population` is the number of sites in the study.
    mutating func apply(_ aggregate: RoundAggregate, to global: inout [Float], population: Int)
    /// The model as it would be deployed (and is evaluated): the global parameters, or for
    /// Lockdown the global parameters after consensus fusion.
    func deployable(_ global: [Float]) -> [Float]
    /// What the strategy remembers between rounds, for checkpoints.
    var state: ComponentState { get }
    mutating func restore(_ state: ComponentState) throws
}

extension Strategy {
    public var weighting: UpdateWeighting { .bySamples }
    public var sentVectors: [VectorDeclaration] { [] }
    public func deployable(_ global: [Float]) -> [Float] { global }
    public var state: ComponentState { .empty }
    public mutating func restore(_ state: ComponentState) throws {
        guard state.isEmpty else { throw StateMismatch("\(name) keeps no state, but the checkpoint has some") }
    }
    public func instructions(for round: Int, site: SiteID, base: TrainingInstructions) -> TrainingInstructions { base }
}

/// `global += rate * delta`, the last step of every averaging strategy.
func step(_ global: inout [Float], along delta: [Float], rate: Float) {
    precondition(global.count == delta.count, "aggregate and model differ in size")
    global.withUnsafeMutableBufferPointer { g in
        delta.withUnsafeBufferPointer { d in
            for i in 0..<g.count { g[i] += rate * d[i] }
        }
    }
}
