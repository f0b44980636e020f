import Federation

/// The sites' transport with `SiteFault`s injected: wraps the in-process sites beneath
/// attacks and auditing, as a flaky network or a broken site would.
///
/// ```swift
/// var simulation = Simulation(sites: sites, model: model, strategy: .fedAvg, configuration: configuration)
/// simulation.inject(["site-1": .failTraining(rounds: [2])])
/// ```
public struct FaultyTransport: Transport, SecureExchanging {
    private let base: any Transport & SecureExchanging
    private let faults: [SiteID: SiteFault]
    private let exchanges = ExchangeCounter()

    public init(wrapping base: any Transport & SecureExchanging, faults: [SiteID: SiteFault]) {
        self.base = base
        self.faults = faults
    }

    public func availableSites() async -> [SiteID] {
        await base.availableSites().filter { faults[$0] != .unavailable }
    }

    public func train(_ request: TrainingRequest, at id: SiteID) async throws -> SiteUpdate {
        guard faults[id] != .unavailable else { throw SiteError.unavailable(id) }
        switch faults[id] {
        case .failTraining(let rounds) where rounds.contains(request.round):
            throw SiteError.failed(id, reason: "injected failure in round \(request.round)")
        case .delayTraining(let seconds, let rounds) where rounds.contains(request.round):
            try await Task.sleep(for: .seconds(seconds))
        default:
            break
        }
        var update = try await base.train(request, at: id)
        if case .corruptUpdate(let rounds, let corruption) = faults[id], rounds.contains(request.round) {
            corruption.apply(to: &update)
        }
        return update
    }

    public func evaluate(_ request: EvaluationRequest, at id: SiteID) async throws -> EvaluationReport {
        guard faults[id] != .unavailable else { throw SiteError.unavailable(id) }
        return try await base.evaluate(request, at: id)
    }

    public func exchange(_ message: [UInt8], at id: SiteID, round: Int) async throws -> [UInt8] {
        guard faults[id] != .unavailable else { throw SiteError.unavailable(id) }
        let answered = await exchanges.next(for: id)
        if case .leaveSecureAggregation(let after) = faults[id], answered >= after {
            throw SiteError.failed(id, reason: "injected dropout after \(after) secure-aggregation answers")
        }
        return try await base.exchange(message, at: id, round: round)
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

extension Simulation {
    /// Runs the simulation with `faults` injected at the sites.
    public mutating func inject(_ faults: [SiteID: SiteFault]) {
        guard !faults.isEmpty else { return }
        siteTransportWrapper = { FaultyTransport(wrapping: $0, faults: faults) }
    }

    /// This simulation with `faults` injected at the sites.
    public func injecting(_ faults: [SiteID: SiteFault]) -> Simulation {
        var copy = self
        copy.inject(faults)
        return copy
    }
}
