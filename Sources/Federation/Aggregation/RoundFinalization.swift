/// What the coordinator offers a round's aggregator after the updates are folded and before
/// its aggregate is taken: a second stage some aggregators need (RECESS's probes, the secure
/// sum of a sealed round). The coordinator calls `finalize` on every aggregator, so it never
/// needs to know which kind it holds.
public struct RoundServices: Sendable {
    /// Has each listed site train from the given parameters and returns the answers, checked
    /// like updates, with the sites that failed.
    public var probe: @Sendable (_ probes: [(site: SiteID, parameters: [Float])]) async -> (answers: [SiteUpdate], failures: [SiteFailure])
    /// The secure sum of the sealed contributors' updates: the aggregate (nil when the sum
    /// could not be recovered or too few remained), the sites that dropped out of it, and the
    /// contributors still in it.
    public var secureSum:
        @Sendable (_ receipts: [SiteUpdate]) async -> (
            aggregate: RoundAggregate?, failures: [SiteFailure],
            problem: RoundProblem?, kept: [SiteID]
        )

    public init(
        probe: @escaping @Sendable ([(site: SiteID, parameters: [Float])]) async -> (answers: [SiteUpdate], failures: [SiteFailure]),
        secureSum:
            @escaping @Sendable ([SiteUpdate]) async -> (
                aggregate: RoundAggregate?, failures: [SiteFailure],
                problem: RoundProblem?, kept: [SiteID]
            )
    ) {
        self.probe = probe
        self.secureSum = secureSum
    }
}

/// What a finalize stage adds to the round's record.
public struct RoundFinalization: Sendable {
    public var failures: [SiteFailure] = []
    public var problems: [RoundProblem] = []

    public init(failures: [SiteFailure] = [], problems: [RoundProblem] = []) {
        self.failures = failures
        self.problems = problems
    }
}

extension RoundAggregator {
    /// Most aggregators have nothing to add.
    public mutating func finalize(with services: RoundServices, isolation: isolated (any Actor)? = #isolation) async -> RoundFinalization {
        RoundFinalization()
    }
}

extension ProbingAggregator {
    /// The probe stage: every contributor trains again from the model the rule chose for it;
    /// the answers go back to the rule.
    public mutating func finalize(with services: RoundServices, isolation: isolated (any Actor)? = #isolation) async -> RoundFinalization {
        let requested: [(site: SiteID, parameters: [Float])]
        do { requested = try probes() } catch {
            return RoundFinalization(problems: [.aggregationFailed("probe stage failed: \(error)")])
        }
        let (answers, failures) = await services.probe(requested)
        for answer in answers { record(response: answer) }
        return RoundFinalization(failures: failures)
    }
}
