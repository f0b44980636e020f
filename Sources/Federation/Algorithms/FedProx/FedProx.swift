/// FedProx (Li et al. 2020): FedAvg on the server; each site adds the proximal term
/// `mu/2 * ||w - w_global||^2` to its objective, which limits client drift on non-IID data.
public struct FedProx: FederatedAlgorithm {
    public var mu: Float
    private var averaging = FedAvg()

    public init(mu: Float) throws(StrategyError) {
        guard mu >= 0, mu.isFinite else { throw .invalidParameter(strategy: "fedprox", key: "mu", reason: "must be a non-negative number, got \(mu)") }
        self.mu = mu
    }

    public static let algorithmName = "fedprox"
    public static let siteAlgorithm: any SiteAlgorithm.Type = FedProxSite.self
    public static let defaultParameters = ["mu": 0.01]
    public static func make(parameters: [String: Double], rounds: Int, seed: UInt64) throws -> any Strategy {
        try FedProx(mu: Float(parameters["mu"] ?? defaultParameters["mu"]!))
    }

    public var name: String { Self.algorithmName }

    public func instructions(for round: Int, site: SiteID, base: TrainingInstructions) -> TrainingInstructions {
        var instructions = base
        instructions.algorithm = AlgorithmCall(name, parameters: ["mu": Double(mu)])
        return instructions
    }

    public mutating func apply(_ aggregate: RoundAggregate, to global: inout [Float], population: Int) {
        averaging.apply(aggregate, to: &global, population: population)
    }
}
