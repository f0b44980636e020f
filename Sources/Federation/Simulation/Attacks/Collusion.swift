import Learning

/// What colluding attackers know when they answer a request: the round's expected
/// participants and attackers, and the honest updates they pooled, each list sorted by site
/// so that crafting is deterministic whatever order the answers arrived in.
struct RoundKnowledge: Sendable {
    var round: Int
    /// 0 for the round's training request, 1 and up for later requests in the same round
    /// (a probing rule's follow-up question, such as RECESS's).
    var stage: Int
    var participants: [SiteID]
    var attackers: [SiteID]
    /// The honest updates of the participants that are not attackers (full knowledge only).
    var honest: [[Float]]
    /// The honest sites' sample counts, in the order of `honest`.
    var honestSamples: [Int] = []
    /// The attackers' own honest updates (what they would have sent), by site.
    var own: [SiteID: [Float]]
    /// Each pooled site's sample count (its weight in a sample-weighted mean).
    var samples: [SiteID: Int] = [:]

    /// The attackers' share of the pooled sample weight (1 / attackers' count when unknown).
    var attackerWeightShare: Double {
        let total = samples.values.reduce(0, +)
        let attackers = own.keys.compactMap { samples[$0] }.reduce(0, +)
        guard total > 0, attackers > 0 else { return 1 / Double(max(participants.count, 1)) * Double(max(self.attackers.count, 1)) }
        return Double(attackers) / Double(total)
    }

    /// Every honest update known: the honest sites' and the attackers' own, in site order.
    var everyone: [[Float]] { honest + own.keys.sorted().map { own[$0]! } }
}

/// Where the malicious sites of a round meet (Baruch et al. 2019; Fang et al. 2020; Shejwalkar
/// & Houmansadr 2021 all assume colluders that share their updates). Each pool is one stage
/// of one round; it waits for exactly the sites expected there: under site sampling, the
/// round's drawn participants, so attackers not drawn are never waited for. A site whose
/// training fails reports itself absent, so nobody waits for it either.
actor Collusion {
    struct Key: Hashable {
        var round: Int
        var stage: Int
    }

    private struct Pool {
        var expected: Set<SiteID>
        var updates: [SiteID: Pooled] = [:]
        var waiting: [CheckedContinuation<[SiteID: Pooled], Never>] = []
        var done: [SiteID: Pooled]?
    }

    /// One site's honest update and its sample count.
    struct Pooled: Sendable {
        var delta: [Float]
        var samples: Int
    }

    private var pools: [Key: Pool] = [:]
    /// Requests each site has had in its latest round: the stage of its next one.
    private var requests: [SiteID: (round: Int, count: Int)] = [:]
    /// The attackers that answered stage 0 of a round, and what they sent.
    private var sent: [Int: [SiteID: [Float]]] = [:]

    /// The stage of this request: how many requests `site` had before it in `round`.
    func stage(of site: SiteID, round: Int) -> Int {
        let previous = requests[site].flatMap { $0.round == round ? $0.count : nil } ?? 0
        requests[site] = (round, previous + 1)
        return previous
    }

    /// Records `update` (nil: the site failed) for a pool expecting `expected`, without waiting.
    func contribute(_ key: Key, site: SiteID, update: Pooled?, expected: Set<SiteID>) {
        var pool = pools[key] ?? Pool(expected: expected)
        guard pool.done == nil, pool.expected.contains(site) else { return }
        if let update { pool.updates[site] = update } else { pool.expected.remove(site) }
        pools[key] = pool
        settle(key)
    }

    /// Contributes and waits until every expected site has: the pooled updates.
    func pool(_ key: Key, site: SiteID, update: Pooled, expected: Set<SiteID>) async -> [SiteID: Pooled] {
        contribute(key, site: site, update: update, expected: expected)
        guard let current = pools[key] else { return [site: update] }
        if let done = current.done { return done }
        // Told of a round it was not expected in: it acts on what it knows alone, never waits.
        guard current.expected.contains(site) else { return [site: update] }
        return await withCheckedContinuation { continuation in
            if let done = pools[key]?.done { continuation.resume(returning: done) } else { pools[key]!.waiting.append(continuation) }
        }
    }

    private func settle(_ key: Key) {
        guard var pool = pools[key], pool.done == nil, pool.updates.count >= pool.expected.count else { return }
        pool.done = pool.updates
        let waiting = pool.waiting
        pool.waiting = []
        pools[key] = pool
        for continuation in waiting { continuation.resume(returning: pool.updates) }
        // Older rounds are over: anyone still waiting there acts on what its pool holds.
        for (old, stale) in pools where old.round < key.round - 1 {
            for continuation in stale.waiting { continuation.resume(returning: stale.updates) }
        }
        pools = pools.filter { $0.key.round >= key.round - 1 }
        sent = sent.filter { $0.key >= key.round - 1 }
    }

    /// Updates crafted once for every colluder of a pool (those that do not differ by site).
    private var shared: [Key: [Float]] = [:]

    func sharedCraft(_ key: Key) -> [Float]? { shared[key] }

    func share(_ key: Key, _ update: [Float]) {
        shared[key] = update
        shared = shared.filter { $0.key.round >= key.round - 1 }
    }

    /// Remembers what an attacker sent in stage 0, to answer a probe consistently.
    func remember(round: Int, site: SiteID, sent update: [Float]) {
        sent[round, default: [:]][site] = update
    }

    func sentUpdate(round: Int, site: SiteID) -> [Float]? { sent[round]?[site] }

    /// The attackers that answered stage 0 of `round`.
    func answered(round: Int) -> Set<SiteID> { Set(sent[round]?.keys.map { $0 } ?? []) }

    /// ALIE's crafted update (Baruch et al. 2019): mean - z * std per coordinate of the
    /// colluders' honest updates.
    static func meanMinusDeviations(_ updates: [[Float]], z: Float) -> [Float] {
        let (mean, deviation) = UpdateStatistics.meanAndDeviation(updates)
        return zip(mean, deviation).map { $0 - z * $1 }
    }

    /// ALIE's z for n participants and f attackers: s = floor(n/2 + 1) - f supporters are
    /// needed, and z = quantile((n - s) / n) of the standard normal.
    static func alieZ(participants n: Int, attackers f: Int) -> Float {
        let supporters = n / 2 + 1 - f
        let p = Double(n - supporters) / Double(max(n, 1))
        return p > 0 && p < 1 ? Float(NormalQuantile.of(p)) : 0
    }
}
