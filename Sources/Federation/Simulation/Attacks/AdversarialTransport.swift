import Learning

/// A transport in which the malicious sites of an `AttackPlan` tamper with what they send.
/// It wraps the honest transport, so the coordinator and the defences see exactly what a
/// real attacker's messages would look like, and nothing else changes.
package struct AdversarialTransport: Transport {
    private let base: any Transport
    private let plan: AttackPlan
    private let seed: UInt64
    private let collusion: Collusion

    public init(wrapping base: any Transport, plan: AttackPlan, totalSites: Int, seed: UInt64) {
        self.base = base
        self.plan = plan
        self.seed = seed
        collusion = Collusion(attackers: plan.malicious.count, totalSites: totalSites)
    }

    public func availableSites() async -> [SiteID] { await base.availableSites() }

    public func evaluate(_ request: EvaluationRequest, at site: SiteID) async throws -> EvaluationReport {
        try await base.evaluate(request, at: site)
    }

    public func train(_ request: TrainingRequest, at site: SiteID) async throws -> SiteUpdate {
        var update = try await base.train(request, at: site)
        guard plan.malicious.contains(site) else { return update }
        switch plan.attack {
        case .signFlip:
            update.delta = update.delta.map { -$0 }
        case .scale(let factor):
            update.delta = update.delta.map { $0 * factor }
        case .noise(let multiplier):
            let rms = (update.delta.map { Double($0) * Double($0) }.reduce(0, +) / Double(max(update.delta.count, 1))).squareRoot()
            var generator = SeededGenerator(seed: seed ^ stableHash(site.name), stream: UInt64(request.round))
            let deviation = Double(multiplier) * rms
            update.delta = update.delta.map { _ in Float(generator.nextGaussian() * deviation) }
        case .alie:
            update.delta = await collusion.craft(round: request.round, site: site, honest: update.delta)
        case .labelFlip, .backdoor:
            break  // the poison is in the site's data
        }
        return update
    }
}

/// Where colluding ALIE attackers pool their honest updates each round and get back the
/// crafted one: mean - z * std per coordinate (Baruch et al. 2019), with
/// s = floor(n/2 + 1) - f and z = quantile((n - s) / n) of the standard normal.
actor Collusion {
    private let attackers: Int
    private let z: Float
    private var honest: [Int: [SiteID: [Float]]] = [:]
    private var waiting: [Int: [CheckedContinuation<[Float], Never>]] = [:]
    private var crafted: [Int: [Float]] = [:]

    init(attackers: Int, totalSites: Int) {
        self.attackers = attackers
        let supporters = totalSites / 2 + 1 - attackers
        let p = Double(totalSites - supporters) / Double(max(totalSites, 1))
        z = p > 0 && p < 1 ? Float(NormalQuantile.of(p)) : 0
    }

    func craft(round: Int, site: SiteID, honest update: [Float]) async -> [Float] {
        if let done = crafted[round] { return done }
        honest[round, default: [:]][site] = update
        if honest[round]!.count >= attackers {
            let result = Collusion.meanMinusDeviations(Array(honest[round]!.values), z: z)
            crafted[round] = result
            honest[round] = nil
            for continuation in waiting.removeValue(forKey: round) ?? [] { continuation.resume(returning: result) }
            return result
        }
        return await withCheckedContinuation { waiting[round, default: []].append($0) }
    }

    static func meanMinusDeviations(_ updates: [[Float]], z: Float) -> [Float] {
        let n = Float(updates.count)
        let count = updates[0].count
        var result = [Float](repeating: 0, count: count)
        for j in 0..<count {
            var mean: Float = 0
            for update in updates { mean += update[j] }
            mean /= n
            var variance: Float = 0
            for update in updates { variance += (update[j] - mean) * (update[j] - mean) }
            result[j] = mean - z * (variance / n).squareRoot()
        }
        return result
    }
}
