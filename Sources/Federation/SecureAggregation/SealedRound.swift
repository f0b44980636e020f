/// A round under secure aggregation, before the secure sum: the sites' sealed answers
/// (examples, loss, privacy spend; no vectors). It stands where the rule's aggregator would,
/// so the fan-out, validation and failure handling are the same as for plain rounds.
struct SealedRound: RoundAggregator {
    private(set) var receipts: [SiteUpdate] = []

    var contributors: [SiteID] { receipts.map(\.site) }

    mutating func fold(_ update: SiteUpdate) throws {
        receipts.append(update)
    }

    /// Drops the sites that fell out of the secure sum.
    mutating func keep(only sites: [SiteID]) {
        let kept = Set(sites)
        receipts.removeAll { !kept.contains($0.site) }
    }

    func finish() throws -> RoundAggregate {
        throw SealedRoundError()
    }
}

/// A sealed round has no vectors to average; its aggregate comes from the secure sum.
struct SealedRoundError: Error, CustomStringConvertible {
    var description: String { "a sealed round's aggregate comes from its secure sum, which did not complete" }
}
