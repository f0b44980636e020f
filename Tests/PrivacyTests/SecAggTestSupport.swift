import Federation
import Learning
import Testing

@testable import Privacy

/// Builders shared by the secure-aggregation tests.
enum SecAggFixture {
    static let round = SecAggRound(study: "secagg-test", round: 3)

    static func sites(_ count: Int) -> [SiteID] {
        (0..<count).map { SiteID(String(format: "site-%02d", $0)) }
    }

    static func setup(
        clients: Int, shape: GraphShape = .complete, threshold: Int, parameters: Int = 257,
        clipRange: Double = 1, weighting: SecAggWeighting = .bySamples(cap: 500),
        round: SecAggRound = round, graphSeed: UInt64 = 11
    ) -> SecAggSetup {
        SecAggSetup(
            round: round, participants: sites(clients), parameterCount: parameters, shape: shape, threshold: threshold,
            graphSeed: graphSeed,
            quantization: .automatic(clipRange: clipRange, participants: clients, weighting: weighting))
    }

    /// Updates uniform in [-1.2, 1.2] (some clipped at 1) and sample counts 40...600 (some capped at 500).
    static func inputs(for setup: SecAggSetup, seed: UInt64 = 5) -> [SiteID: SecAggInput] {
        var generator = SeededGenerator(seed: seed)
        var result: [SiteID: SecAggInput] = [:]
        for site in setup.participants {
            let update = (0..<setup.parameterCount).map { _ in generator.nextFloat(in: -1.2..<1.2) }
            result[site] = SecAggInput(update: update, sampleCount: 40 + generator.nextInt(below: 561))
        }
        return result
    }

    static func entropy(_ site: SiteID) -> SecAggEntropy {
        .seeded(stableTestHash(site.name))
    }

    static func run(
        _ setup: SecAggSetup, dropouts: [SiteID: SecAggSimulation.Dropout] = [:],
        inputs: [SiteID: SecAggInput]? = nil
    ) throws -> SecAggSimulation.Report {
        try SecAggSimulation.run(
            setup: setup, inputs: inputs ?? self.inputs(for: setup), entropy: entropy,
            dropouts: dropouts, keepQuantized: true)
    }

    /// The plain sum, mod 2^32, of the contributors' quantized vectors (weights last).
    static func plainSum(_ report: SecAggSimulation.Report) -> [UInt32] {
        var sum = [UInt32](repeating: 0, count: report.sum.values.count + 1)
        for site in report.sum.contributors {
            for (j, value) in report.quantized[site]!.values.enumerated() { sum[j] &+= value }
        }
        return sum
    }

    static func unmasked(_ report: SecAggSimulation.Report) -> [UInt32] {
        report.sum.values + [report.sum.totalWeight]
    }

    private static func stableTestHash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }
}

/// Drives one round by hand, stage by stage, so a test can tamper with or forge messages.
struct SecAggHarness {
    var setup: SecAggSetup
    var server: SecAggServer
    var clients: [SiteID: SecAggClient]
    var inputs: [SiteID: SecAggInput]
    var quantized: [SiteID: QuantizedUpdate] = [:]

    init(_ setup: SecAggSetup, minimumContributors: Int = 2) throws {
        self.setup = setup
        server = try SecAggServer(setup: setup, minimumContributors: minimumContributors)
        var clients: [SiteID: SecAggClient] = [:]
        for site in setup.participants {
            clients[site] = try SecAggClient(site: site, setup: setup, entropy: SecAggFixture.entropy(site))
        }
        self.clients = clients
        inputs = SecAggFixture.inputs(for: setup)
    }

    var sites: [SiteID] { setup.participants }

    mutating func advertise(_ who: [SiteID]? = nil) throws -> [SiteID: KeyRoster] {
        for site in who ?? sites {
            let rejection = server.receive(try clients[site]!.advertiseKeys(), from: site)
            #expect(rejection == nil)
        }
        return try server.closeAdvertising()
    }

    mutating func share(_ rosters: [SiteID: KeyRoster], _ who: [SiteID]? = nil) throws -> [SiteID: ShareDelivery] {
        for site in who ?? sites where rosters[site] != nil {
            let rejection = server.receive(try clients[site]!.shareKeys(rosters[site]!), from: site)
            #expect(rejection == nil)
        }
        return try server.closeSharing()
    }

    mutating func maskedInputs(_ deliveries: [SiteID: ShareDelivery], _ who: [SiteID]? = nil) throws -> [SiteID: MaskedInput] {
        var result: [SiteID: MaskedInput] = [:]
        for site in who ?? sites where deliveries[site] != nil {
            let input = inputs[site]!
            let update = try clients[site]!.quantize(input.update, sampleCount: input.sampleCount)
            quantized[site] = update
            result[site] = try clients[site]!.maskInput(deliveries[site]!, update: update)
        }
        return result
    }

    mutating func mask(_ deliveries: [SiteID: ShareDelivery], _ who: [SiteID]? = nil) throws -> [SiteID: UnmaskRequest] {
        for (site, input) in try maskedInputs(deliveries, who) {
            let rejection = server.receive(input, from: site)
            #expect(rejection == nil)
        }
        return try server.closeMasking()
    }

    mutating func unmask(_ requests: [SiteID: UnmaskRequest], _ who: [SiteID]? = nil) throws -> SecAggSum {
        for site in who ?? sites where requests[site] != nil {
            let rejection = server.receive(try clients[site]!.unmask(requests[site]!), from: site)
            #expect(rejection == nil)
        }
        return try server.finish()
    }

    func plainSum(of contributors: [SiteID]) -> [UInt32] {
        var sum = [UInt32](repeating: 0, count: setup.parameterCount + 1)
        for site in contributors {
            for (j, value) in quantized[site]!.values.enumerated() { sum[j] &+= value }
        }
        return sum
    }
}
