/// The order in which the coordinator folds a round's updates: its participants sorted by
/// name (Federation's canonical order, which makes results independent of arrival times).
/// A large update that arrived early waits on disk until every site before it in that order
/// has been handed over (or failed), so the coordinator holds about one update in memory at
/// a time instead of one per early arrival. Near the round's deadline everything waiting is
/// handed over at once, so no update that arrived in time is lost to this gate.
actor FoldOrder {
    private struct RoundKey: Hashable {
        var study: String
        var round: Int
    }

    /// Sites with a training task out, per round.
    private var open: [RoundKey: Set<SiteID>] = [:]

    func enter(study: String, round: Int, site: SiteID) {
        open[RoundKey(study: study, round: round), default: []].insert(site)
    }

    func leave(study: String, round: Int, site: SiteID) {
        let key = RoundKey(study: study, round: round)
        open[key]?.remove(site)
        if open[key]?.isEmpty == true { open[key] = nil }
        // Rounds are sequential: an older round's leftovers no longer hold anyone up.
        for other in open.keys where other.study == study && other.round < round { open[other] = nil }
    }

    /// Waits until no site before `site` in the round still has its task out, or until
    /// `releaseAt`, whichever comes first.
    func waitForTurn(study: String, round: Int, site: SiteID, releaseAt: ContinuousClock.Instant) async {
        let key = RoundKey(study: study, round: round)
        while ContinuousClock.now < releaseAt {
            guard let waiting = open[key], waiting.contains(where: { $0 < site }) else { return }
            try? await Task.sleep(for: .milliseconds(2))
        }
    }
}

import Federation
