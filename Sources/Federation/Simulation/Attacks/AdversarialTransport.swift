import Learning
import Synchronization

/// A transport in which the malicious sites of an `AttackPlan` tamper with what they send.
/// It wraps the honest transport, so the coordinator and the defences see exactly what a
/// real attacker's messages would look like, and nothing else changes.
///
/// Colluding attacks (ALIE, Fang, Min-Max/Min-Sum, the adaptive attacker, constrained model
/// replacement) meet in a `Collusion` each round. Full-knowledge attacks also read the honest
/// sites' updates as they pass (the omniscient attacker of Fang et al. and Shejwalkar &
/// Houmansadr); ALIE pools only the colluders' own. Under site sampling the pool waits for
/// exactly the round's drawn participants, found as the coordinator finds them (the
/// study's selection and seed over the available, unquarantined sites), so an attacker not
/// drawn is never waited for, and a site whose training fails is struck off the pool.
package struct AdversarialTransport: Transport {
    private let base: any Transport
    private let plan: AttackPlan
    private let seed: UInt64
    private let selection: SiteSelection
    private let defence: AggregationRuleSpec?
    private let quarantined: QuarantineList
    private let collusion = Collusion()

    /// `selection` and `seed` must be the study's, `defence` the rule in use (what an
    /// adaptive attacker knows), `quarantined` the sites the coordinator's monitor removed.
    public init(
        wrapping base: any Transport, plan: AttackPlan, totalSites: Int, seed: UInt64,
        selection: SiteSelection = SiteSelection(), defence: AggregationRuleSpec? = nil,
        quarantined: QuarantineList = QuarantineList()
    ) {
        self.base = base
        self.plan = plan
        self.seed = seed
        self.selection = selection
        self.defence = defence
        self.quarantined = quarantined
    }

    public func availableSites() async -> [SiteID] { await base.availableSites() }

    public func evaluate(_ request: EvaluationRequest, at site: SiteID) async throws -> EvaluationReport {
        try await base.evaluate(request, at: site)
    }

    public func train(_ request: TrainingRequest, at site: SiteID) async throws -> SiteUpdate {
        switch plan.attack {
        case .alie, .fang, .minMax, .adaptive, .modelReplacement:
            return try await trainInConcert(request, at: site)
        default:
            var update = try await base.train(request, at: site)
            guard plan.malicious.contains(site) else { return update }
            update.delta = alone(update.delta, site: site, round: request.round)
            return update
        }
    }

    /// Attacks each malicious site mounts on its own update.
    private func alone(_ delta: [Float], site: SiteID, round: Int) -> [Float] {
        switch plan.attack {
        case .signFlip:
            return delta.map { -$0 }
        case .scale(let factor):
            return delta.map { $0 * factor }
        case .noise(let multiplier):
            let rms = (delta.map { Double($0) * Double($0) }.reduce(0, +) / Double(max(delta.count, 1))).squareRoot()
            var generator = SeededGenerator(seed: seed ^ stableHash(site.name), stream: UInt64(round))
            let deviation = Double(multiplier) * rms
            return delta.map { _ in Float(generator.nextGaussian() * deviation) }
        default:
            return delta  // data attacks: the poison is in the site's data
        }
    }

    /// Which sites a pool waits for: everyone's honest update, or the colluders' own only.
    private enum Knowledge { case everyone, attackers }

    private var knowledge: Knowledge {
        switch plan.attack {
        case .alie: .attackers
        default: .everyone
        }
    }

    private func roster(_ round: Int) async -> (participants: [SiteID], attackers: [SiteID]) {
        let available = await base.availableSites().filter { !quarantined.contains($0) }
        let participants = selection.participants(from: available, round: round, seed: seed) ?? []
        return (participants, participants.filter { plan.malicious.contains($0) })
    }

    private func trainInConcert(_ request: TrainingRequest, at site: SiteID) async throws -> SiteUpdate {
        let round = request.round
        let stage = await collusion.stage(of: site, round: round)
        let roster = await roster(round)
        let malicious = plan.malicious.contains(site)
        let key = Collusion.Key(round: round, stage: stage)
        // Stage 0 pools the round's updates; later stages (probes) the colluders' answers only.
        let expected: Set<SiteID>
        switch (stage, knowledge) {
        case (0, .everyone): expected = Set(roster.participants)
        case (0, _): expected = Set(roster.attackers)
        default: expected = await collusion.answered(round: round)
        }
        var update: SiteUpdate
        do { update = try await base.train(request, at: site) } catch {
            await collusion.contribute(key, site: site, update: nil, expected: expected)
            throw error
        }
        guard malicious else {
            if stage == 0 && knowledge == .everyone {
                await collusion.contribute(key, site: site, update: Collusion.Pooled(delta: update.delta, samples: update.sampleCount), expected: expected)
            }
            return update
        }
        if stage > 0, case .alie = plan.attack, let sent = await collusion.sentUpdate(round: round, site: site) {
            update.delta = sent  // ALIE answers a probe with what it sent (it crafts once a round)
            return update
        }
        if stage > 0, case .adaptive = plan.attack, let sent = await collusion.sentUpdate(round: round, site: site) {
            update.delta = sent  // consistent answers: RECESS sees no flip
            return update
        }
        let mine = Collusion.Pooled(delta: update.delta, samples: update.sampleCount)
        let pooled = expected.isEmpty ? [site: mine] : await collusion.pool(key, site: site, update: mine, expected: expected)
        let attackers = Set(roster.attackers).union([site])
        var known = RoundKnowledge(
            round: round, stage: stage, participants: roster.participants, attackers: attackers.sorted(),
            honest: [], own: [:])
        for name in pooled.keys.sorted() {
            if attackers.contains(name) {
                known.own[name] = pooled[name]!.delta
            } else {
                known.honest.append(pooled[name]!.delta)
                known.honestSamples.append(pooled[name]!.samples)
            }
            known.samples[name] = pooled[name]!.samples
        }
        var generator = SeededGenerator(seed: seed ^ stableHash(site.name), stream: 0xFA9 &+ UInt64(round) &* 16 &+ UInt64(stage))
        if sharesCraft, let crafted = await collusion.sharedCraft(key) {
            update.delta = crafted
        } else {
            update.delta = craft(update.delta, known, generator: &generator)
            if sharesCraft { await collusion.share(key, update.delta) }
        }
        if stage == 0 { await collusion.remember(round: round, site: site, sent: update.delta) }
        return update
    }

    /// True when every colluder of a pool sends the same update (crafted once, then shared):
    /// everything but the trim attack's per-site draws and model replacement's own update.
    private var sharesCraft: Bool {
        switch plan.attack {
        case .alie, .minMax: return true
        case .fang(let fang): return fang.target == .krum
        case .adaptive:
            switch defence?.kind {
            case .median?, .trimmedMean?: return false
            default: return true
            }
        default: return false
        }
    }

    private func craft(_ honest: [Float], _ known: RoundKnowledge, generator: inout SeededGenerator) -> [Float] {
        let everyone = known.everyone
        switch plan.attack {
        case .alie:
            let own = known.own.keys.sorted().map { known.own[$0]! }
            return Collusion.meanMinusDeviations(own, z: Collusion.alieZ(participants: known.participants.count, attackers: known.attackers.count))
        case .fang(let fang):
            let f: Int?
            switch defence?.kind {
            case .krum(let value)?, .multiKrum(let value, _)?, .bulyan(let value)?: f = value
            default: f = nil
            }
            return fang.craft(honest: known.honest, everyone: everyone, attackers: known.attackers.count, f: f, generator: &generator)
        case .minMax(let attack):
            return attack.craft(known, defence: defence)
        case .adaptive(let attack):
            return attack.craft(known, defence: defence, generator: &generator)
        case .modelReplacement(let replacement):
            let bound = AdaptiveAttack.bound(defence?.normBound, honest: everyone) ?? everyone.map { VectorMath.norm($0) }.max()
            return replacement.craft(honest, round: known.round, attackerShare: known.attackerWeightShare, bound: bound)
        default:
            return honest
        }
    }
}

/// The sites the coordinator's monitor has quarantined, as the simulation learns them from
/// the study's events: colluders never wait for a site that will not be asked.
public final class QuarantineList: Sendable {
    private let sites = Mutex<Set<SiteID>>([])

    public init() {}

    public func add(_ site: SiteID) { sites.withLock { _ = $0.insert(site) } }

    public func contains(_ site: SiteID) -> Bool { sites.withLock { $0.contains(site) } }
}
