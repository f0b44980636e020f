import Federation

/// A site's privacy spending, round by round, for the study report and the operator.
///
/// Each round's ε is the site's cumulative total after it, across all studies (they share the
/// site's patients), recomputed from the recorded mechanisms at the policy's δ.
public struct PrivacyReport: Sendable, Hashable, Codable {
    public struct Round: Sendable, Hashable, Codable {
        public let study: String
        public let round: Int
        public let sampleRate: Double
        public let noiseMultiplier: Double
        public let steps: Int
        /// The site's cumulative ε after this round.
        public let epsilon: Double
        /// The RDP order at which that ε was attained.
        public let order: Double
    }

    public let site: SiteID
    public let delta: Double
    public let maxEpsilon: Double
    /// Total ε spent over every round.
    public let epsilon: Double
    public let remainingEpsilon: Double
    public let rounds: [Round]

    init(site: SiteID, policy: PrivacyPolicy, entries: [PrivacyLedgerEntry], cumulative: [PrivacySpent]) {
        self.site = site
        delta = policy.delta
        maxEpsilon = policy.maxEpsilon
        rounds = zip(entries, cumulative).map { entry, spent in
            Round(
                study: entry.study, round: entry.round, sampleRate: entry.sampleRate, noiseMultiplier: entry.noiseMultiplier,
                steps: entry.steps, epsilon: spent.epsilon, order: spent.order)
        }
        epsilon = cumulative.last?.epsilon ?? 0
        remainingEpsilon = max(0, policy.maxEpsilon - epsilon)
    }

    /// The report of a ledger read from disk, under `policy`.
    public init(ledger: PrivacyLedger, policy: PrivacyPolicy, method: AccountingMethod = .dpAccounting) {
        var running = RunningEpsilon(delta: policy.delta, method: method)
        for entry in ledger.entries { running.add(entry.charge.mechanism) }
        self.init(site: ledger.site, policy: policy, entries: ledger.entries, cumulative: running.history)
    }

    /// The rounds of one study (their ε is still the site's cumulative total).
    public func rounds(of study: String) -> [Round] { rounds.filter { $0.study == study } }
}
