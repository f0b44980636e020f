import Federation
import Learning
import Privacy

/// The parts of a study both runtimes build the same way: strategy, aggregation rule and
/// secure summation, so a capability added here runs simulated and deployed alike.
extension ResolvedStudy {
    /// The server side of the federated strategy (FedAvg for a baseline, which has none).
    public func makeStrategy() throws -> any Strategy {
        try (strategy ?? .fedAvg).makeStrategy()
    }

    /// How a round's updates become one aggregate: DP-FedAvg when the study asks for central
    /// noise, else the named rule (FLTrust needs the coordinator's `rootData`).
    public func makeRule(rootData: Dataset? = nil) throws -> any AggregationRule {
        if let z = centralNoise {
            // Under secure aggregation the sites clip and the clipping count stays secret: fixed clip norm.
            return try DPFedAvg(
                noiseMultiplier: z, adaptive: !secureAggregation,
                expectedUpdates: configuration.selection.minimumSites, seed: seed, noise: noiseSource)
        }
        return try rule.makeRule(rootData: rootData, model: model, seed: seed)
    }

    /// Where DP noise and Poisson sampling draw from: the system's secure generator, or the
    /// seed when a simulation asked to reproduce bit for bit (then not private).
    public var noiseSource: NoiseSource { reproducibleNoise ? .seeded : .secure }

    /// SecAgg+ at the coordinator when the study asks for it: it then learns only sums.
    public func makeSecureSummation() -> (any SecureSummation)? {
        secureAggregation ? SecAggSummation() : nil
    }

    /// SecAgg+ for a simulation: every site's masks from the system's entropy, or from the
    /// study seed when the run is asked to reproduce bit for bit (then the masks hide nothing
    /// from whoever holds the seed).
    public func simulatedSecureAggregation() -> SecureAggregationSetup? {
        guard secureAggregation else { return nil }
        if reproducibleNoise { return .secAgg(seed: seed) }
        return SecureAggregationSetup(summation: SecAggSummation()) { site in SecAggParticipant.endpoint(for: site) }
    }
}
