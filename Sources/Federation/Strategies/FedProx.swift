/// FedProx (Li et al. 2020): FedAvg on the server; each site adds the proximal term
/// `mu/2 * ||w - w_global||^2` to its objective, which limits client drift on non-IID data.
public struct FedProx: Strategy {
    public var mu: Float
    private var averaging = FedAvg()

    public init(mu: Float) {
        precondition(mu >= 0, "FedProx mu must be non-negative")
        self.mu = mu
    }

    public var name: String { "fedprox" }

    public func instructions(for round: Int, site: SiteID, base: TrainingInstructions) -> TrainingInstructions {
        var instructions = base
        instructions.proximalMu = mu
        return instructions
    }

    public mutating func apply(_ aggregate: RoundAggregate, to global: inout [Float], population: Int) {
        averaging.apply(aggregate, to: &global, population: population)
    }
}
