/// A round under secure aggregation, before the secure sum: the sites' sealed answers
/// (examples, loss, privacy spend; no vectors). It stands where the rule's aggregator would,
/// so the fan-out, validation and failure handling are the same as for plain rounds.
struct SealedRound: RoundAggregator {
    private(set) var receipts: [SiteUpdate] = []
    /// The secure sum's aggregate, once `finalize` recovered it.
    private var aggregate: RoundAggregate?
    /// Fewer sealed answers than this: no secure sum is attempted.
    let minimumContributors: Int

    init(minimumContributors: Int) { self.minimumContributors = minimumContributors }

    var contributors: [SiteID] { receipts.map(\.site) }

    mutating func fold(_ update: SiteUpdate) throws {
        receipts.append(update)
    }

    /// Drops the sites that fell out of the secure sum.
    mutating func keep(only sites: [SiteID]) {
        let kept = Set(sites)
        receipts.removeAll { !kept.contains($0.site) }
    }

    /// Runs the secure sum of the sealed answers, when enough arrived for it to count.
    mutating func finalize(with services: RoundServices, isolation: isolated (any Actor)? = #isolation) async -> RoundFinalization {
        guard receipts.count >= minimumContributors else { return RoundFinalization() }
        let (aggregate, failures, problem, kept) = await services.secureSum(receipts)
        keep(only: kept)
        self.aggregate = aggregate
        return RoundFinalization(failures: failures, problems: problem.map { [$0] } ?? [])
    }

    func finish() throws -> RoundAggregate {
        guard let aggregate else { throw SealedRoundError() }
        return aggregate
    }
}

/// A sealed round has no vectors to average; its aggregate comes from the secure sum.
struct SealedRoundError: Error, CustomStringConvertible {
    var description: String { "a sealed round's aggregate comes from its secure sum, which did not complete" }
}
