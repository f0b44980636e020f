/// Sites as actors in this process: the simulation's transport, and the test bench for the
/// coordinator's handling of dropouts, stragglers and bad updates (see `SiteFault`).
public struct InProcessTransport: Transport, SecureExchanging {
    private let sites: [SiteID: Site]
    private let faults: [SiteID: SiteFault]
    private let endpoints: [SiteID: any SecureEndpoint]
    private let exchanges = ExchangeCounter()

    /// `endpoints`: each site's secure-aggregation endpoint, for studies that use it.
    public init(sites: [Site], faults: [SiteID: SiteFault] = [:], endpoints: [SiteID: any SecureEndpoint] = [:]) {
        self.sites = Dictionary(uniqueKeysWithValues: sites.map { ($0.id, $0) })
        self.faults = faults
        self.endpoints = endpoints
    }

    public func availableSites() async -> [SiteID] {
        sites.keys.filter { faults[$0] != .unavailable }.sorted()
    }

    public func train(_ request: TrainingRequest, at id: SiteID) async throws -> SiteUpdate {
        guard let site = sites[id], faults[id] != .unavailable else { throw SiteError.unavailable(id) }
        switch faults[id] {
        case .failTraining(let rounds) where rounds.contains(request.round):
            throw SiteError.failed(id, reason: "injected failure in round \(request.round)")
        case .delayTraining(let seconds, let rounds) where rounds.contains(request.round):
            try await Task.sleep(for: .seconds(seconds))
        default:
            break
        }
        var update = try await site.train(request)
        if case .corruptUpdate(let rounds, let corruption) = faults[id], rounds.contains(request.round) {
            corruption.apply(to: &update)
        }
        return update
    }

    public func evaluate(_ request: EvaluationRequest, at id: SiteID) async throws -> EvaluationReport {
        guard let site = sites[id], faults[id] != .unavailable else { throw SiteError.unavailable(id) }
        return try await site.evaluate(request)
    }

    public func exchange(_ message: [UInt8], at id: SiteID, round: Int) async throws -> [UInt8] {
        guard let endpoint = endpoints[id], faults[id] != .unavailable else { throw SiteError.unavailable(id) }
        let answered = await exchanges.next(for: id)
        if case .leaveSecureAggregation(let after) = faults[id], answered >= after {
            throw SiteError.failed(id, reason: "injected dropout after \(after) secure-aggregation answers")
        }
        return try await endpoint.respond(to: message)
    }
}

/// Counts the secure-aggregation messages each site has been sent.
private actor ExchangeCounter {
    private var counts: [SiteID: Int] = [:]

    /// The number of messages `site` was sent before this one.
    func next(for site: SiteID) -> Int {
        defer { counts[site, default: 0] += 1 }
        return counts[site, default: 0]
    }
}

/// Misbehaviour injected into the in-process transport, to exercise the coordinator.
public enum SiteFault: Hashable, Sendable {
    case unavailable
    case failTraining(rounds: Set<Int>)
    case delayTraining(seconds: Double, rounds: Set<Int>)
    case corruptUpdate(rounds: Set<Int>, UpdateCorruption)
    /// Answers its first `afterAnswers` secure-aggregation messages of the study, then fails
    /// every later one: a site that drops out in the middle of a secure sum.
    case leaveSecureAggregation(afterAnswers: Int)
}

/// Ways an update can be broken in transit or by a faulty site.
public enum UpdateCorruption: Hashable, Sendable {
    case nonFinite
    case truncated
    case staleRound
    case impersonate(SiteID)

    func apply(to update: inout SiteUpdate) {
        switch self {
        case .nonFinite: update.delta[0] = .nan
        case .truncated: update.delta.removeLast()
        case .staleRound: update.round -= 1
        case .impersonate(let other): update = SiteUpdate(study: update.study, site: other, round: update.round, delta: update.delta,
                                                          sampleCount: update.sampleCount, training: update.training,
                                                          vectors: update.vectors)
        }
    }
}
