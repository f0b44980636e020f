import Federation

extension SecureAggregationSetup {
    /// SecAgg+ for a study in one process. Every site's secret randomness is derived from the
    /// study seed, the round and its name, so a simulation is reproducible bit for bit (and
    /// a deployment that derives it the same way ends with the same model); the masks then
    /// hide nothing from whoever knows the seed, which is fine for a simulation and never
    /// done outside one (deployed sites use `SecAggEntropy.system()`).
    public static func secAgg(seed: UInt64, summation: SecAggSummation = SecAggSummation()) -> SecureAggregationSetup {
        SecureAggregationSetup(summation: summation) { site in
            SecAggParticipant.endpoint(for: site, entropy: { .seeded(seed, round: $0, site: site.id) })
        }
    }
}

extension SecAggParticipant {
    /// The endpoint of `site`, answering with the update it holds for the asked round.
    public static func endpoint(for site: Site, entropy: @escaping @Sendable (SecAggRound) -> SecAggEntropy = { _ in .system() })
        -> SecAggParticipant
    {
        SecAggParticipant(site: site.id, entropy: entropy) { study, round in
            try await site.heldUpdate(study: study, round: round)
        }
    }
}
